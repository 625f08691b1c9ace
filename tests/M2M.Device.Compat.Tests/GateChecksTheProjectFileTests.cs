namespace M2M.Device.Compat.Tests;

public class GateChecksTheProjectFileTests
{
    [Fact]
    public void FailsOnASourceFileTheProjectDoesNotList()
    {
        var result = GateRun.CheckFixture("UnlistedFile");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(GateDiagnostic.FileNotInProject, diagnostic.Id);
        Assert.Equal("Forgotten.cs", Path.GetFileName(diagnostic.File));
    }

    [Fact]
    public void FailsOnAReferenceWithoutDeclarations()
    {
        var result = GateRun.CheckFixture("UndeclaredReference");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(GateDiagnostic.ReferenceWithoutDeclarations, diagnostic.Id);
        Assert.Contains("nanoFramework.Graphics", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("UndeclaredReference.nfproj", Path.GetFileName(diagnostic.File));
    }
}
