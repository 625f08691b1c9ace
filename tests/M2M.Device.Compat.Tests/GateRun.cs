namespace M2M.Device.Compat.Tests;

/// <summary>Runs the gate with the repository's reference declarations, as CI does.</summary>
internal static class GateRun
{
    public static string RepositoryRoot { get; } =
        RepositoryLayout.FindRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("The test runs outside the repository: no reference declarations found.");

    public static GateResult Check(string projectPath) =>
        new CompatibilityGate(new ReferenceDeclarations(Path.Combine(RepositoryRoot, RepositoryLayout.DeclarationsFolder)))
            .Check(projectPath);

    public static GateResult CheckFixture(string name) =>
        Check(Path.Combine(AppContext.BaseDirectory, "Fixtures", name, name + ".nfproj"));

    public static string Describe(GateResult result) =>
        string.Join(Environment.NewLine, result.Diagnostics.Select(d => d.Format(RepositoryRoot)));
}
