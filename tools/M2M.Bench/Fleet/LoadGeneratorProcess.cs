using System.Diagnostics;
using System.Text.Json;
using M2M.Bench.Servers;

namespace M2M.Bench.Fleet;

/// <summary>
/// The driver's handle on a load generator process (<c>dotnet m2m-bench.dll load</c>, <see cref="LoadGenerator"/>):
/// sends it jobs, hands window events to the caller (who reads the CPU counters at those moments) and
/// returns the job's result.
/// </summary>
public sealed class LoadGeneratorProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _errors = [];

    private LoadGeneratorProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>Starts a generator from m2m-bench.dll next to this assembly (in m2m's, the tests' or its own output folder).</summary>
    public static LoadGeneratorProcess Start()
    {
        var dll = Path.Combine(Path.GetDirectoryName(typeof(LoadGeneratorProcess).Assembly.Location)!, "m2m-bench.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "load"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = ChildProcesses.Start(info, "the load generator");
        var generator = new LoadGeneratorProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data != null)
            {
                lock (generator._errors)
                {
                    generator._errors.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        return generator;
    }

    /// <summary>Runs one job; <paramref name="onWindow"/> sees window-start and window-end as they happen.</summary>
    public async Task<LoadResult> RunAsync(LoadJob job, Action<LoadEvent>? onWindow = null)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(job, LoadJson.Options)).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            var e = JsonSerializer.Deserialize<LoadEvent>(line, LoadJson.Options)!;
            switch (e.Event)
            {
                case "done":
                    return e.Result!;
                case "error":
                    throw new InvalidOperationException($"load generator: {e.Error}");
                default:
                    onWindow?.Invoke(e);
                    break;
            }
        }

        string errors;
        lock (_errors)
        {
            errors = string.Join(Environment.NewLine, _errors.TakeLast(20));
        }

        throw new InvalidOperationException($"the load generator exited during {job.Kind}:{Environment.NewLine}{errors}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine(JsonSerializer.Serialize(new LoadJob { Kind = "exit" }, LoadJson.Options));
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(15_000))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
