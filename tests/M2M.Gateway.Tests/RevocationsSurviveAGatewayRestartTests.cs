using M2M.Gateway.Tests.Support;
using M2M.Gateway.Tokens.Revocation;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 15 item 7: a revocation is durable (<c>revoked-tokens.db</c> in the data folder): a gateway
/// restarted on the same data folder still refuses the revoked token at CONNECT, and accepts the
/// device's token that was not revoked. A revocation is kept until its token's <c>exp</c> + the
/// clock skew, then forgotten (the token is refused as expired anyway).
/// </summary>
public sealed class RevocationsSurviveAGatewayRestartTests
{
    private static readonly string[] FixedIssuer = ["--Gateway:Issuer", "https://gateway.example"];

    [Fact]
    public async Task TheRevokedTokenIsRefusedAfterARestartAndItsRevocationIsPrunedAfterItsExpiry()
    {
        var data = Directory.CreateTempSubdirectory("m2m-revocation-").FullName;
        var time = TestClock.Fixed();
        try
        {
            string revoked, kept;
            M2M.Gateway.Registry.DeviceCredential device;
            await using (var before = await RevocationRig.StartAsync(time, data, FixedIssuer))
            {
                device = await before.AddAsync("sensor-0001");
                revoked = await before.TokenAsync(device);
                kept = await before.TokenAsync(device);
                await RevocationRig.RevokeAsync(await before.KeyClientAsync(["admin"]), revoked);
            }

            await using (var after = await RevocationRig.StartAsync(time, data, FixedIssuer))
            {
                Assert.Equal(1, after.Gateway.Service<RevokedTokens>().Count);
                Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await after.Device(device).ConnectAsync(revoked)).ResultCode);
                Assert.Contains("m2m_mqtt_connects_total{result=\"token_revoked\"} 1", await after.MetricsAsync(), StringComparison.Ordinal);
                await after.ConnectAsync(device, kept);
            }

            // One hour (the token's lifetime) and the 60 s skew later, nothing is left to remember.
            time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(60));
            await using (var later = await RevocationRig.StartAsync(time, data, FixedIssuer))
            {
                Assert.Equal(0, later.Gateway.Service<RevokedTokens>().Count);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
