using System.Net.Http.Headers;
using AirsenalOps.Tests.Integration.Auth;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AirsenalOps.Tests.Integration.Team;

/// <summary>
/// Clients that call the admin-only API of a console configured with <see cref="AuthTestData.Settings"/>.
/// The token lives a year: some tests move the console's clock forward.
/// </summary>
internal static class AdminClient
{
    public static HttpClient CreateAdminClient<T>(this WebApplicationFactory<T> factory)
        where T : class
    {
        var client = factory.CreateClient();
        var token = AuthTestData.PeerToken(AuthTestData.JwtSecret, AuthTestData.AdminEmail, DateTimeOffset.UtcNow.AddDays(365));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
