using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace AirsenalOps.Core.Jobs;

/// <summary>
/// Signals for a job's whole process tree. Jobs start under <c>setsid</c>, so the process the console
/// starts leads its own process group (pgid == pid) and <c>kill(-pgid)</c> reaches every forked worker.
/// </summary>
public static class ProcessGroup
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>The variable every job process carries, so a restarted console can recognise its leftovers.</summary>
    public const string MarkerVariable = "AIRSENALOPS_JOB_ID";

    /// <summary>Sends a signal to every process of a group; false when the group is gone.</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 1 && Kill(-pgid, signal) == 0;

    /// <summary>Sends a signal to one process; false when it is gone.</summary>
    public static bool SignalProcess(int pid, int signal) => pid > 1 && Kill(pid, signal) == 0;

    /// <summary>True while the process exists (a zombie counts until it is reaped).</summary>
    public static bool IsAlive(int pid) => pid > 1 && (Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM */);

    /// <summary>True when <paramref name="pid"/> leads its own process group.</summary>
    public static bool LeadsGroup(int pid) => pid > 1 && GetPgid(pid) == pid;

    /// <summary>Live processes whose environment carries the marker of <paramref name="jobId"/>.</summary>
    public static IReadOnlyList<int> FindByMarker(string jobId)
    {
        var marker = Encoding.UTF8.GetBytes(MarkerVariable + "=" + jobId + "\0");
        var found = new List<int>();
        string[] entries;
        try
        {
            entries = Directory.GetDirectories("/proc");
        }
        catch (IOException)
        {
            return found;
        }

        foreach (var entry in entries)
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && HasMarker(pid, marker))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>Whether the process's environment carries the job's marker (pids are reused, so check before killing).</summary>
    public static bool CarriesMarker(int pid, string jobId) =>
        HasMarker(pid, Encoding.UTF8.GetBytes(MarkerVariable + "=" + jobId + "\0"));

    /// <summary>
    /// Kills what is left of a job started by an earlier console: its recorded group (if the leader still
    /// carries the job's marker) and any other process carrying the marker. Returns how many were signalled.
    /// </summary>
    public static int KillLeftovers(string jobId, int? pgid)
    {
        var count = 0;
        if (pgid is { } group && CarriesMarker(group, jobId) && SignalGroup(group, SigKill))
        {
            count++;
        }

        foreach (var pid in FindByMarker(jobId))
        {
            if (Kill(pid, SigKill) == 0)
            {
                count++;
            }
        }

        return count;
    }

    private static bool HasMarker(int pid, byte[] marker)
    {
        try
        {
            var environ = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ");
            // The marker ends with \0; a variable at the very start has no \0 before it.
            var index = environ.AsSpan().IndexOf(marker);
            return index == 0 || (index > 0 && environ[index - 1] == 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: the generated stubs need unsafe code, plain ints do not.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetPgid(int pid);
}
