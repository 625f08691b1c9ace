using System.CommandLine;
using M2M.Bench;

var root = new RootCommand("m2m-bench: the M2M gateway and Mosquitto side by side (docs/benchmarks.md).") { BenchCommands.Compare(), BenchCommands.Load() };
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
