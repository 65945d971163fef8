using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.E2E.Support;

/// <summary>
/// AIrsenal entry points for the browser scenarios, written into a temp folder used as AIRSENAL_BIN_DIR:
/// a prediction that prints coloured lines at a human pace, an optimisation that runs until cancelled
/// while reporting progress, and a database update that always fails (to watch retries).
/// Hand-written on purpose: no recording runs until cancelled, fails in a retryable way or prints at a pace a
/// browser test can watch line by line; the real printouts are replayed in RealReplayTests (Fixtures/airsenal-real/replay).
/// </summary>
public sealed class E2EAirsenal : IDisposable
{
    private readonly TempDirectory _dir = new();

    public E2EAirsenal()
    {
        Write("airsenal_env", """
            print("AIRSENAL_VERSION: 1.9.0-e2e")
            """);
        Write("airsenal_run_prediction", """
            import sys, time
            print("\x1b[1;32mRunning predictions\x1b[0m with " + " ".join(sys.argv[1:]), flush=True)
            for i in range(1, 21):
                print(f"predicting batch {i}/20", flush=True)
                time.sleep(0.15)
            print("\x1b[33mPrediction finished\x1b[0m", flush=True)
            """);
        Write("airsenal_run_optimization", """
            import sys, time
            print("\x1b[32mStarting optimisation\x1b[0m " + " ".join(sys.argv[1:]), flush=True)
            for step in range(100000):
                pct = min(step, 99)
                sys.stderr.write(f"\rTotal progress: {pct:3d}%|{'#' * (pct // 10):<10}| {step}/100")
                sys.stderr.flush()
                if step % 5 == 0:
                    print(f"checked strategy {step}", flush=True)
                time.sleep(0.2)
            """);
        Write("airsenal_update_db", """
            import sys
            print("Updating the database", flush=True)
            sys.stderr.write("requests.exceptions.ConnectionError: Failed to establish a new connection\n")
            sys.exit(1)
            """);
        Write("airsenal_setup_initial_db", """
            print("Database set up", flush=True)
            """);
        Write("airsenal_run_pipeline", """
            print("Pipeline finished OK!", flush=True)
            """);
    }

    public string BinDir => _dir.Path;

    private void Write(string name, string body)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, "#!/usr/bin/env python3\n" + body + "\n");
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
    }

    public void Dispose() => _dir.Dispose();
}
