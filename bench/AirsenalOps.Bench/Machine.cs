using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AirsenalOps.Bench;

/// <summary>What the numbers ran on, read from /proc: a shared machine's numbers mean little without its load.</summary>
internal static class Machine
{
    public static string CpuModel() =>
        ReadField("/proc/cpuinfo", "model name", ':') ?? "unknown CPU";

    public static string Memory() =>
        ReadField("/proc/meminfo", "MemTotal", ':') is { } total
            ? string.Create(CultureInfo.InvariantCulture, $"{ParseKilobytes(total) / 1073741824.0:0.0} GB RAM")
            : "unknown RAM";

    /// <summary>"1min / 5min / 15min" from /proc/loadavg.</summary>
    public static string LoadAverage()
    {
        var fields = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ') : [];
        return fields.Length >= 3 ? $"{fields[0]} / {fields[1]} / {fields[2]}" : "unknown";
    }

    public static string Describe() =>
        $"{Environment.ProcessorCount} cores ({CpuModel()}), {Memory()}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";

    /// <summary>Resident set of a process in bytes (this one by default), 0 when it is gone.</summary>
    public static long Rss(int? pid = null)
    {
        var path = pid is null ? "/proc/self/status" : $"/proc/{pid}/status";
        try
        {
            return ReadField(path, "VmRSS", ':') is { } value ? ParseKilobytes(value) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>User + system CPU time of a process so far (/proc/PID/stat, in clock ticks of 10 ms).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may hold spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    public static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB");

    /// <summary>A loopback port free right now (a child process binds it a moment later).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0–1) of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * q))];

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AirsenalOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    public static string GitCommit()
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                WorkingDirectory = RepositoryRoot(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var git = System.Diagnostics.Process.Start(start)!;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private static long ParseKilobytes(string value) =>
        long.Parse(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) * 1024;

    private static string? ReadField(string path, string name, char separator)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && line[..at].Trim() == name)
            {
                return line[(at + 1)..].Trim();
            }
        }

        return null;
    }
}

/// <summary>Samples a resident set every 20 ms and keeps the highest value.</summary>
internal sealed class RssSampler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<long> _task;

    public RssSampler(int? pid = null) => _task = Task.Run(async () =>
    {
        long peak = 0;
        while (!_stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, Machine.Rss(pid));
            await Task.Delay(20, CancellationToken.None);
        }

        return Math.Max(peak, Machine.Rss(pid));
    });

    public long Stop()
    {
        _stop.Cancel();
        return _task.GetAwaiter().GetResult();
    }

    public void Dispose() => _stop.Dispose();
}
