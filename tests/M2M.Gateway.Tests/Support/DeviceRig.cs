using M2M.Gateway.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The set-up of the ingress tests: an in-process gateway on the fixed test clock, and the world's
/// first device connected with a token valid for the lifetime <see cref="StartAsync"/> is given (the world's default when null).
/// </summary>
public sealed class DeviceRig : IAsyncDisposable
{
    private DeviceRig(FakeTimeProvider time, InProcessGateway gateway, TestDevice device)
    {
        Time = time;
        Gateway = gateway;
        Device = device;
    }

    public FakeTimeProvider Time { get; }

    public InProcessGateway Gateway { get; }

    public TestWorld World => Gateway.World;

    /// <summary>The connected device (the world's first).</summary>
    public TestDevice Device { get; }

    public static async Task<DeviceRig> StartAsync(TestWorld world, TimeSpan? lifetime = null, params string[] arguments)
    {
        var time = TestClock.Fixed();
        var gateway = await InProcessGateway.StartAsync(world, time, arguments);
        return new DeviceRig(time, gateway, await gateway.ConnectAsync(world.Devices[0].Id, time.GetUtcNow(), lifetime));
    }

    public async ValueTask DisposeAsync()
    {
        await Device.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}
