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

    [Theory]
    [InlineData("Allowed")] // the language and base library that stable nanoFramework supports
    [InlineData("AdapterApis")] // HTTP, MQTT 5, JSON, files, SNTP, Wi-Fi as the ESP32 adapters use them
    public void WhatStableNanoFrameworkOffersIsAccepted(string fixture)
    {
        var result = GateRun.CheckFixture(fixture);

        Assert.True(result.Passed, GateRun.Describe(result));
    }
}
