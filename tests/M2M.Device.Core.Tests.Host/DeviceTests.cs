using System.Collections.Generic;
using Xunit;

namespace M2M.Device.Core.Tests.Host;

/// <summary>Each nanoFramework device test, run on the host build of the device core.</summary>
public class DeviceTests
{
    [Theory]
    [MemberData(nameof(Cases))]
    public void Passes(string test) => NanoTestCase.Run(test);

    public static IEnumerable<object[]> Cases() => NanoTestCase.All();
}
