using System.Diagnostics;
using System.Globalization;
using M2M.Bench.Servers;

namespace M2M.Bench.Measure;

/// <summary>
/// CPU time of named processes (server, sink process, load generator, this driver) and of the whole
/// machine (/proc/stat), read at the start and the end of a measured window.
/// </summary>
public sealed class CpuSnapshot
{
    private readonly Dictionary<string, TimeSpan> _processes;
    private readonly long _machineBusy;
    private readonly long _machineTotal;
    private readonly long _timestamp;

    private CpuSnapshot(Dictionary<string, TimeSpan> processes, long machineBusy, long machineTotal, long timestamp)
    {
        _processes = processes;
        _machineBusy = machineBusy;
        _machineTotal = machineTotal;
        _timestamp = timestamp;
    }

    public static CpuSnapshot Take(IReadOnlyDictionary<string, int> pids)
    {
        var processes = pids.ToDictionary(p => p.Key, p => ProcStat.CpuTime(p.Value));
        var (busy, total) = ProcStat.MachineJiffies();
        return new CpuSnapshot(processes, busy, total, Stopwatch.GetTimestamp());
    }

    /// <summary>What each process used from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static CpuUsage Between(CpuSnapshot start, CpuSnapshot end)
    {
        var wall = TimeSpan.FromSeconds((end._timestamp - start._timestamp) / (double)Stopwatch.Frequency);
        var cores = end._processes.ToDictionary(p => p.Key, p => (p.Value - start._processes[p.Key]) / wall);
        var total = end._machineTotal - start._machineTotal;
        var machine = total == 0 ? 0 : Environment.ProcessorCount * (end._machineBusy - start._machineBusy) / (double)total;
        return new CpuUsage(cores, machine, wall);
    }
}

/// <summary>CPU used in a window, in cores (1.0 = one core busy the whole window), per process and for the machine.</summary>
public sealed record CpuUsage(IReadOnlyDictionary<string, double> Cores, double MachineCores, TimeSpan Wall)
{
    public double this[string name] => Cores.GetValueOrDefault(name);

    /// <summary>The machine is saturated: less than a tenth of a core was idle.</summary>
    public bool MachineSaturated => MachineCores > Environment.ProcessorCount - 0.1;

    /// <summary>
    /// For a burst whose in-flight count is fixed (connects, token requests): on a saturated machine a
    /// generator that used as much CPU as the serving side took that CPU from it.
    /// </summary>
    public string Verdict(double servingCores) =>
        !MachineSaturated ? "the machine had idle CPU"
        : this["generator"] >= servingCores ? $"GENERATOR-BOUND likely: the machine was saturated and the generator used {this["generator"]:0.00} cores, the server {servingCores:0.00}"
        : "machine saturated, the server used more CPU than the generator";

    public string Describe() =>
        string.Join(", ", Cores.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:0.00}")))
        + string.Create(CultureInfo.InvariantCulture, $", machine {MachineCores:0.00}/{Environment.ProcessorCount} cores busy");
}

/// <summary>The machine's load average (/proc/loadavg), printed with every run.</summary>
public static class LoadAverage
{
    public static string Read()
    {
        var fields = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"load {fields[0]} {fields[1]} {fields[2]}";
    }
}
