using System.Reflection;
using System.Text.RegularExpressions;
using AirsenalOps.Core.Airsenal.Jobs;
using AirsenalOps.Core.Airsenal.Parsers;
using AirsenalOps.Core.Jobs.Commands;
using AirsenalOps.Tests.Components.Support;
using AirsenalOps.Web.Components.Pages.Jobs.OutputViews;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AirsenalOps.Tests.Unit.Airsenal;

/// <summary>
/// The command registry is the one place a command is described: these checks make a half-described command (no
/// flags' help, a parser without output kinds, an output kind without a view) or a drift from the older console's
/// contract fail here instead of on a page.
/// </summary>
public sealed partial class CommandRegistryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EveryNameConstant_IsOneRegisteredCommand_AndBack()
    {
        var constants = typeof(AirsenalCommandNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(constants, AirsenalCommands.All.Select(c => c.Name));
        Assert.Equal(constants.Count, constants.Distinct(StringComparer.Ordinal).Count());
        Assert.All(constants, name => Assert.Same(AirsenalCommands.All.Single(c => c.Name == name), AirsenalCommands.Find(name)));
    }

    [Fact]
    public void EveryCommand_HasAnExecutable_AndFlagsWithHelp_EachFlagOnce()
    {
        Assert.All(AirsenalCommands.All, command =>
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Command.Description), command.Name);
            Assert.StartsWith("airsenal_", command.Command.Executable, StringComparison.Ordinal);
            Assert.Equal(command.Command.Parameters.Count, command.Command.Parameters.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count());
            var flags = command.Command.Parameters.Where(p => !p.ConsoleOnly).Select(p => p.CliFlag).ToList();
            Assert.Equal(flags.Count, flags.Distinct(StringComparer.Ordinal).Count());
            Assert.All(flags, flag => Assert.Matches(FlagPattern(), flag));
            Assert.All(command.Command.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Help), $"{command.Name}.{p.Name} has no help"));
            // The hooks come from Build, once: a descriptor carries none of its own.
            Assert.Same(JobHooks.None, command.Command.Hooks);
        });
    }

    [Fact]
    public void EveryParsedCommand_DeclaresItsOutputKinds_AndEveryKindHasAView()
    {
        Assert.All(AirsenalCommands.All, command =>
        {
            Assert.Equal(command.Parser is null, command.Outputs.Count == 0);
            Assert.All(command.Outputs, kind =>
            {
                if (kind.Record is null)
                {
                    return;
                }

                var view = OutputViewCatalogue.ViewOf(kind);
                Assert.True(view is not null, $"{command.Name}'s output '{kind.Type}' has no view: add a component that implements IOutputView<{kind.Record.Name}>");
                Assert.True(typeof(IComponent).IsAssignableFrom(view));
            });
        });

        // A kind without a view is a decision, so the list of them is written here too.
        Assert.Equal(["lineup"], AirsenalCommands.All.SelectMany(c => c.Outputs).Where(k => k.Record is null).Select(k => k.Type));
        Assert.Equal(
            ["data_checks", "optimisation", "pipeline", "prediction", "setup_db", "squad", "update_db"],
            AirsenalCommands.All.SelectMany(c => c.Outputs).Where(k => k.Record is not null).Select(k => k.Type).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(AirsenalCommandNames.Predict, "predict.txt", "prediction")]
    [InlineData(AirsenalCommandNames.Optimize, "optimise-current.txt", "optimisation")]
    [InlineData(AirsenalCommandNames.MakeSquad, "make-squad.txt", "squad")]
    [InlineData(AirsenalCommandNames.CheckData, "check-data.txt", "data_checks")]
    [InlineData(AirsenalCommandNames.Pipeline, "pipeline.txt", "pipeline")]
    public void ARecordedRun_ParsesToADeclaredKind_ThatItsViewShows(string name, string fixture, string type)
    {
        var command = AirsenalCommands.Find(name)!;
        var output = command.Parser!(Fixture.Lines(fixture), Now, null);

        Assert.Equal(type, ParsedOutput.TypeOf(output));
        Assert.Contains(command.Outputs, k => k.Type == type);
        Assert.NotNull(OutputViewCatalogue.ViewFor(output));
    }

    [Fact]
    public void PipelineStages_AreTheCommandsStages_InProgressOrder()
    {
        var steps = AirsenalCommands.PipelineSteps;

        Assert.Equal(steps.Count, steps.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(steps.SkipLast(1), step => Assert.NotNull(AirsenalCommands.Find(step.Name)));
        Assert.Equal("save_absences", steps[^1].Name);
        Assert.All(steps, step => Assert.NotEmpty(step.Markers));
        Assert.Equal(100, steps.Max(s => s.StartPercent + s.SharePercent));
        // The recorded pipeline's stages are all known.
        Assert.NotEmpty(PipelineParser.Stages(Fixture.Lines("pipeline.txt")));
        Assert.All(PipelineParser.Stages(Fixture.Lines("pipeline.txt")), stage => Assert.Contains(steps, s => s.Name == stage.Name));
    }

    [Fact]
    public async Task TheConsolesCatalogue_IsTheRegistry_WithHooks()
    {
        await using var core = await CoreServices.CreateAsync();
        var catalogue = core.Services.GetRequiredService<CommandCatalogue>();

        Assert.Equal(AirsenalCommands.All.Select(c => c.Name), catalogue.All.Select(c => c.Name));
        Assert.All(catalogue.All, command => Assert.IsType<AirsenalJobHooks>(command.Hooks));
        Assert.Equal(AirsenalCommands.All.Select(c => c.Command.Parameters), catalogue.All.Select(c => c.Parameters));
    }

    /// <summary>
    /// The older console's command table (peer-console.md, "Job commands and parameters"; a copy in Fixtures so the
    /// test runs from a clone) lists the same commands, executables and parameters as the registry's peer commands.
    /// </summary>
    [Fact]
    public void PeerContractCommands_AreTheRegistrysPeerCommands()
    {
        var contract = PeerContractRows();

        Assert.Equal(["setup_db", "update_db", "predict", "optimize", "pipeline"], contract.Select(r => r.Name));
        Assert.Equal(contract.Select(r => r.Name), AirsenalCommands.All.Where(c => c.Peer).Select(c => c.Name));
        Assert.Equal(contract.Select(r => r.Name), AirsenalCommands.Peer.Select(c => c.Name));
        foreach (var (name, executable, flags, defaults) in contract)
        {
            var peer = AirsenalCommands.Peer.Single(c => c.Name == name);
            Assert.Equal(executable, peer.Executable);
            Assert.Equal(flags, peer.Parameters.Select(p => p.CliFlag));
            foreach (var (parameter, value) in defaults)
            {
                Assert.Equal(value, peer.Parameters.Single(p => p.Name == parameter).Default);
            }

            // The full command keeps every parameter the older console had, the same way.
            var full = AirsenalCommands.Find(name)!;
            Assert.Equal(peer.Parameters, full.Command.Parameters.Take(peer.Parameters.Count));
        }
    }

    private static List<(string Name, string Executable, List<string> Flags, List<(string Parameter, long Value)> Defaults)> PeerContractRows()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "peer-console", "peer-console.md");
        var lines = File.ReadAllLines(path);
        var start = Array.FindIndex(lines, l => l.StartsWith("## Job commands and parameters", StringComparison.Ordinal));
        Assert.True(start >= 0, "peer-console.md has no command table");
        var rows = new List<(string, string, List<string>, List<(string, long)>)>();
        foreach (var line in lines.Skip(start + 3).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            var name = cells[1].Trim('`');
            var cli = cells[2].Trim('`');
            var flags = FlagInCli().Matches(cli).Select(m => m.Value).ToList();
            var defaults = DefaultInParameters().Matches(cells[3]).Select(m => (m.Groups[1].Value, long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
            rows.Add((name, cli.Split(' ')[0], flags, defaults));
        }

        return rows;
    }

    [GeneratedRegex(@"^--[a-z][a-z0-9_]*$")]
    private static partial Regex FlagPattern();

    [GeneratedRegex(@"--[a-z_]+")]
    private static partial Regex FlagInCli();

    [GeneratedRegex(@"`(\w+)` \(default (\d+)\)")]
    private static partial Regex DefaultInParameters();
}
