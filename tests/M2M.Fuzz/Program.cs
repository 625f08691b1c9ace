using M2M.Fuzz;
using SharpFuzz;

// Composition only (docs/testing.md, "Fuzzing"):
//   M2M.Fuzz list                  the target names, one a line
//   M2M.Fuzz <target>              the afl-fuzz persistent loop (run by afl-fuzz, on instrumented assemblies)
//   M2M.Fuzz <target> <file>...    each file once, printing its outcome (reproducing a crash)
//   M2M.Fuzz seed <folder>         writes the protocol-vector seeds under <folder>/<target>/corpus
if (args.Length == 0 || args[0] == "list")
{
    foreach (var name in FuzzTargets.Names)
    {
        Console.WriteLine(name);
    }

    return args.Length == 0 ? 2 : 0;
}

if (args[0] == "seed" && args.Length == 2)
{
    SeedCorpus.Write(args[1]);
    return 0;
}

var targetName = args[0];
if (!FuzzTargets.Names.Contains(targetName))
{
    Console.Error.WriteLine($"M2M.Fuzz: no target '{targetName}'; `M2M.Fuzz list` names them");
    return 2;
}

if (args.Length > 1)
{
    var once = FuzzTargets.Create(targetName)!;
    foreach (var file in args[1..])
    {
        Console.WriteLine($"{file}: {FuzzCheck.Run(once, File.ReadAllBytes(file))}");
    }

    return 0;
}

// The target is made inside the loop: instrumented code may run only once SharpFuzz has mapped
// afl-fuzz's coverage memory, which Fuzzer.Run does before the first input.
FuzzTarget? target = null;
Fuzzer.Run(stream =>
{
    target ??= FuzzTargets.Create(targetName)!;
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzCheck.Run(target, buffer.ToArray());
});
return 0;
