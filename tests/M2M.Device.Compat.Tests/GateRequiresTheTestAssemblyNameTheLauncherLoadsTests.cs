namespace M2M.Device.Compat.Tests;

/// <summary>
/// nanoFramework's test launcher loads the tests with Assembly.Load("NFUnitTest"): the gate fails a
/// test project named otherwise, which would run no test on a board and say nothing.
/// </summary>
public class GateRequiresTheTestAssemblyNameTheLauncherLoadsTests
{
    [Fact]
    public void FailsOnATestProjectNotNamedNFUnitTest()
    {
        var result = GateRun.CheckFixture("WrongTestAssemblyName");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(GateDiagnostic.TestAssemblyName, diagnostic.Id);
        Assert.Equal("WrongTestAssemblyName.nfproj", Path.GetFileName(diagnostic.File));
        Assert.Equal(4, diagnostic.Line);
        Assert.Contains("Sensors.Tests", diagnostic.Message, StringComparison.Ordinal);
    }

}
