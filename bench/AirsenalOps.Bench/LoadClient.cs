using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace AirsenalOps.Bench;

/// <summary>Rate, outcome and the server's CPU time per answered request (robust where the rate is noisy).</summary>
internal sealed record LoadResult(double RequestsPerSecond, long Ok, long Failed, long BytesPerResponse, double ServerCpuMicroseconds);

/// <summary>
/// A small closed-loop load generator: N connections, each sending the next GET as soon as the previous
/// response is read, for a fixed time. Runs in this process, on the same cores as the server it measures.
/// </summary>
internal static class LoadClient
{
    public static async Task<LoadResult> RunAsync(Uri url, string? bearer, int connections, TimeSpan duration, int serverPid)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        long ok = 0, failed = 0, bytes = 0;
        var cpuBefore = Machine.CpuTime(serverPid);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(async _ =>
        {
            var buffer = new byte[16 * 1024];
            while (clock.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (bearer is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                }

                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await response.Content.ReadAsStreamAsync();
                    long length = 0;
                    int read;
                    while ((read = await body.ReadAsync(buffer)) > 0)
                    {
                        length += read;
                    }

                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref ok);
                        Interlocked.Exchange(ref bytes, length);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var cpu = Machine.CpuTime(serverPid) - cpuBefore;
        return new LoadResult(ok / elapsed.TotalSeconds, ok, failed, bytes, ok == 0 ? double.NaN : cpu.TotalMicroseconds / ok);
    }
}
