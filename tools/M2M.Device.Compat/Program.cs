using M2M.Device.Compat;

// Usage: M2M.Device.Compat [project.nfproj ...]; with no argument, every .nfproj under firmware/.
var repositoryRoot = RepositoryLayout.FindRoot(Environment.CurrentDirectory);
if (repositoryRoot is null)
{
    Console.Error.WriteLine($"No {RepositoryLayout.DeclarationsFolder} folder above {Environment.CurrentDirectory}.");
    return 2;
}

var projects = args.Length > 0 ? args : RepositoryLayout.DeviceProjects(repositoryRoot);
var gate = new CompatibilityGate(new ReferenceDeclarations(Path.Combine(repositoryRoot, RepositoryLayout.DeclarationsFolder)));
var failed = 0;
foreach (var project in projects)
{
    var result = gate.Check(project);
    foreach (var diagnostic in result.Diagnostics)
    {
        Console.WriteLine(diagnostic.Format(Environment.CurrentDirectory));
    }

    Console.WriteLine(result.Summary());
    failed += result.Passed ? 0 : 1;
}

return failed == 0 ? 0 : 1;
