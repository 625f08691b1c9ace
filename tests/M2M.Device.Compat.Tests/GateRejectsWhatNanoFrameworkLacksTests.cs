namespace M2M.Device.Compat.Tests;

public class GateRejectsWhatNanoFrameworkLacksTests
{
    [Theory]
    [InlineData("GenericList", "CS0234", "Readings.cs")] // System.Collections.Generic does not exist
    [InlineData("NullableValue", "CS0518", "Reading.cs")] // System.Nullable`1 is not defined
    [InlineData("AsyncAwait", "CS0234", "Uploader.cs")] // System.Threading.Tasks does not exist
    [InlineData("Linq", "CS1935", "Filter.cs")] // no query pattern (no System.Linq)
    [InlineData("SpanOfT", "CS0246", "Buffer.cs")] // Span<T> is not defined
    [InlineData("MissingMember", "CS1503", "Topic.cs")] // String.Contains(char) does not exist in 1.17
    public void FailsWithTheCompilerDiagnostic(string fixture, string expectedId, string file)
    {
        var result = GateRun.CheckFixture(fixture);

        Assert.False(result.Passed);
        Assert.Contains(result.Diagnostics, d => d.Id == expectedId && Path.GetFileName(d.File) == file && d.Line > 0);
    }
}
