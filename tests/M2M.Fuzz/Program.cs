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

var target = FuzzTargets.Create(args[0]);
if (target == null)
{
    Console.Error.WriteLine($"M2M.Fuzz: no target '{args[0]}'; `M2M.Fuzz list` names them");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        Console.WriteLine($"{file}: {FuzzCheck.Run(target, File.ReadAllBytes(file))}");
    }

    return 0;
}

Fuzzer.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzCheck.Run(target, buffer.ToArray());
});
return 0;
