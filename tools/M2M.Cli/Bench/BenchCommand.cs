using System.CommandLine;
using M2M.Bench;

namespace M2M.Cli.Bench;

/// <summary><c>m2m bench</c>: the benchmark program's commands (tools/M2M.Bench, docs/benchmarks.md).</summary>
public static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmark the gateway side by side with Mosquitto (docs/benchmarks.md).") { BenchCommands.Compare() };
}
