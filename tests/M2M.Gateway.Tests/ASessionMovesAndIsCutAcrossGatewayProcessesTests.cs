using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// Sessions across the gateway processes of a real cluster (docs/scaling.md, "Sessions across
/// nodes"), with each node's own registry sweep an hour apart, so only the cluster's notices can act
/// in time: a device that connects to another node takes its session over there, and the node that
/// held it closes the old connection with 0x8E; a device disabled through one node is cut at once
/// (0x98) on the node it is connected to; a command queued through one node is sent by the node
/// holding the session.
/// </summary>
public sealed class ASessionMovesAndIsCutAcrossGatewayProcessesTests
{
    private const string DeviceId = "pump-0042";

    [Fact]
    public async Task TakenOverOnAnotherNodeCommandedAndDisabledThroughAThird()
    {
        await using var rig = await ClusterRig.StartAsync(3, _ => ["--Gateway:Mqtt:RevalidateInterval", "01:00:00"]);
        var secret = await rig.AddDeviceAsync(DeviceId, node: 1);

        var first = rig.StartDevice(DeviceId, secret, intervalSeconds: 3600, node: 0);
        await Eventually.TrueAsync(() => first.App.Session?.Connects >= 1, "the device's session on node 0").OrExplain(() => ClusterRig.Explain(first) + "\n" + rig.Output);
        using var second = rig.StartDevice(DeviceId, secret, intervalSeconds: 3600, node: 2);
        await Eventually.TrueAsync(async () => await DisconnectsAsync(rig, 0, "session_taken_over") >= 1, "node 0 to close the session taken over on node 2");

        // With the first device off, the second holds the one session, on node 2.
        first.Dispose();
        await Eventually.TrueAsync(async () => await Sessions(rig, 2) == 1 && await Sessions(rig, 0) == 0, "one session, on node 2");

        // A command queued through node 1 is sent by node 2, which holds the session, and answered.
        using var admin = rig.Admin(1);
        using (var queued = await admin.PostAsJsonAsync(new Uri($"/admin/v1/devices/{DeviceId}/commands", UriKind.Relative), new { name = "ping" }))
        {
            Assert.True(queued.IsSuccessStatusCode, await queued.Content.ReadAsStringAsync());
        }

        await Eventually.TrueAsync(
            async () => JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/admin/v1/devices/{DeviceId}/commands/1", UriKind.Relative))).RootElement.GetProperty("completed").GetBoolean(),
            "the ping queued through node 1 to be answered through node 2");

        using var disabled = await admin.PostAsync(new Uri($"/admin/v1/devices/{DeviceId}/disable", UriKind.Relative), null);
        Assert.True(disabled.IsSuccessStatusCode, await disabled.Content.ReadAsStringAsync());
        await Eventually.TrueAsync(async () => await DisconnectsAsync(rig, 2, "device_disabled") == 1, "node 2 to cut the device disabled through node 1");
        Assert.Equal(0, await Sessions(rig, 2));
    }

    private static async Task<double> Sessions(ClusterRig rig, int node) =>
        (await MetricsScrape.ReadAsync(rig.Gateway(node).BaseAddress)).Value("m2m_mqtt_sessions");

    private static async Task<double> DisconnectsAsync(ClusterRig rig, int node, string reason) =>
        (await MetricsScrape.ReadAsync(rig.Gateway(node).BaseAddress)).Value("m2m_mqtt_gateway_disconnects_total", "reason", reason);
}
