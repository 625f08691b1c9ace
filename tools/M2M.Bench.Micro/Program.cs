using BenchmarkDotNet.Running;

// Composition only: BenchmarkDotNet's switcher picks the benchmarks (--filter '*', --job short...).
BenchmarkSwitcher.FromAssembly(typeof(M2M.Bench.Micro.MessageBenchmarks).Assembly).Run(args);
