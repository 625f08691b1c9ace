namespace M2M.Device.Compat.Tests;

public class GatePassesOnTheDeviceProjectsTests
{
    public static TheoryData<string> DeviceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var project in RepositoryLayout.DeviceProjects(GateRun.RepositoryRoot))
        {
            data.Add(Path.GetRelativePath(GateRun.RepositoryRoot, project));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DeviceProjects))]
    public void EveryDeviceProjectCompilesAgainstTheNanoFrameworkDeclarations(string project)
    {
        var result = GateRun.Check(Path.Combine(GateRun.RepositoryRoot, project));

        Assert.True(result.Passed, GateRun.Describe(result));
        Assert.NotEmpty(result.Project.CompileFiles);
    }

    [Fact]
    public void WhatStableNanoFrameworkOffersIsAccepted()
    {
        var result = GateRun.CheckFixture("Allowed");

        Assert.True(result.Passed, GateRun.Describe(result));
    }
}
