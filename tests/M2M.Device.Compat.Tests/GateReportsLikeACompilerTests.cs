namespace M2M.Device.Compat.Tests;

public class GateReportsLikeACompilerTests
{
    [Fact]
    public void PrintsEachFindingAsFileLineColumnErrorIdMessageAndOneSummaryLinePerProject()
    {
        var result = GateRun.CheckFixture("MissingMember");
        var fixtureFolder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "MissingMember");

        var line = Assert.Single(result.Diagnostics).Format(fixtureFolder);

        Assert.StartsWith("Topic.cs(8,35): error CS1503: ", line, StringComparison.Ordinal);
        Assert.Equal("MissingMember: 1 files, FAILED (1 errors)", result.Summary());
        Assert.Equal("Allowed: 1 files, passed", GateRun.CheckFixture("Allowed").Summary());
    }
}
