namespace AirsenalOps.Web.Components.Pages.Jobs.OutputViews;

/// <summary>
/// A job page view of one kind of parsed output: the component that implements it for a registry output kind's
/// record (<see cref="Core.Airsenal.Jobs.OutputKind.Record"/>) is the view of that kind. <see cref="OutputViewCatalogue"/>
/// finds them, so a new kind needs only its view.
/// </summary>
public interface IOutputView<TOutput>
    where TOutput : class
{
    TOutput Output { get; set; }
}
