using System.Diagnostics;
using System.Globalization;
using M2M.Bench.Servers;
using M2M.Testing;
using Xunit;

namespace M2M.Bench.Tests;

/// <summary>
/// `m2m bench compare` stopped by a signal (SIGTERM here) in the middle of a run leaves none of
/// the processes it started running: the gateway, Mosquitto, Mosquitto's subscriber and the load
/// generator are all gone once the benchmark has exited, and so are the folders the servers wrote in
/// (docs/benchmarks.md, "The processes").
/// </summary>
public sealed class AnInterruptedBenchmarkLeavesNoProcessBehindTests
{
    // What each started process's command line contains.
    private static readonly string[] Children = ["M2M.Gateway.dll", "m2m-bench.dll load", "mosquitto -c", "mosquitto_sub"];

    // SIGTERM: Ctrl-C's SIGINT goes through the same handler, but a test run from a background job
    // (CI) inherits SIGINT ignored, as its children do, so it cannot be delivered here.
    [Fact]
    public async Task EveryProcessItStartedIsGoneAfterSigterm()
    {
        const string Signal = "TERM";
        var gatewayDll = GatewayServer.FindBuiltGateway() ?? throw new InvalidOperationException("M2M.Gateway.dll not built");
        var benchDll = Path.Combine(AppContext.BaseDirectory, "m2m-bench.dll");

        // A throughput scenario with a long warm-up: the run is under way for a minute, with both
        // servers, Mosquitto's subscriber and the generators started.
        var info = new ProcessStartInfo("dotnet", [benchDll, "compare", "--quick", "--scenario", "throughput", "--devices", "2", "--warmup", "60", "--measure", "60", "--gateway-dll", gatewayDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var bench = Process.Start(info)!;
        bench.OutputDataReceived += (_, _) => { };
        bench.ErrorDataReceived += (_, _) => { };
        bench.BeginOutputReadLine();
        bench.BeginErrorReadLine();
        var started = new List<int>();
        try
        {
            started = await Eventually.ValueAsync(
                () => Descendants(bench.Id),
                pids => Children.All(name => pids.Any(pid => CommandLine(pid).Contains(name, StringComparison.Ordinal))),
                "the gateway, the generator, Mosquitto and its subscriber started",
                TimeSpan.FromSeconds(90));

            // The folders the servers write in: the gateway's data folder, Mosquitto's configuration's.
            string[] folders =
            [
                Argument(started, "M2M.Gateway.dll", "--Gateway:DataDirectory"),
                Path.GetDirectoryName(Argument(started, "mosquitto -c", "-c"))!,
            ];
            Assert.All(folders, folder => Assert.True(Directory.Exists(folder), folder));

            using (var kill = Process.Start("kill", [$"-{Signal}", bench.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await bench.WaitForExitAsync(exited.Token);
            await Eventually.TrueAsync(() => !started.Any(IsRunning), $"every process the benchmark started gone ({string.Join(", ", started.Where(IsRunning).Select(CommandLine))})");
            Assert.All(folders, folder => Assert.False(Directory.Exists(folder), folder));
        }
        finally
        {
            foreach (var pid in started.Where(IsRunning))
            {
                using var kill = Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            }

            if (!bench.HasExited)
            {
                bench.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The value after <paramref name="option"/> in the command line of the process whose command line contains <paramref name="process"/>.</summary>
    private static string Argument(List<int> pids, string process, string option)
    {
        var words = CommandLine(pids.First(pid => CommandLine(pid).Contains(process, StringComparison.Ordinal))).Split(' ');
        return words[Array.IndexOf(words, option) + 1];
    }

    /// <summary>Every live process below <paramref name="root"/> (children, their children...).</summary>
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } stat)
            {
                parents[pid] = stat.Parent;
            }
        }

        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                found.Add(child);
                queue.Enqueue(child);
            }
        }

        return found.Where(IsRunning).ToList();
    }

    /// <summary>Alive and not a zombie (a killed orphan may wait for the container's init to reap it).</summary>
    private static bool IsRunning(int pid) => Stat(pid) is { State: not 'Z' and not 'X' };

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>State and parent from /proc/pid/stat (after the command name in parentheses), or null when gone.</summary>
    private static (char State, int Parent)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
