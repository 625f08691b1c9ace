using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using MQTTnet;
using Npgsql;

namespace M2M.Gateway.Tests;

/// <summary>
/// The gateway process is killed (SIGKILL) while a device streams and the NATS, PostgreSQL and Loki
/// sinks deliver, then started again on the same data folder: the relay repeats what it delivered
/// since its last saved position, and the destinations drop the repeats, so JetStream holds each
/// record once (its duplicate window, by <c>Nats-Msg-Id</c>), the table one row each (its unique
/// key), and Loki one line each (the repeated lines are the same bytes, built again from the
/// journal's batch ledger, and Loki drops an entry identical to one it holds).
/// </summary>
public sealed class NoSinkStoresARecordTwiceWhenTheGatewayIsKilledTests : IDisposable
{
    private const int Total = 300;
    private readonly TestWorld _world = TestWorld.Create(("sensor-1", "acme"));
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-sink-crash-").FullName;
    private readonly long _collected = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task KillWhileSinksDeliverThenRestart()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var postgres = await PostgresServer.StartAsync();
        await using var loki = await LokiPushReceiver.StartAsync();
        var worldPath = Path.Combine(_folder, "world.json");
        var dataDirectory = Path.Combine(_folder, "data");
        _world.Save(worldPath);

        var acknowledged = 0u;
        await using (var gateway = await StartAsync(worldPath, dataDirectory, nats, postgres, loki, out var port))
        {
            await using var device = new TestDevice(_world, "sensor-1", port);
            await device.ConnectAsync(_world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow));
            var streaming = Task.Run(async () =>
            {
                for (var seq = 1u; seq <= Total; seq++)
                {
                    Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(Message(device, seq))).ReasonCode);
                    acknowledged = seq;
                }
            });

            // Killed once both sinks have stored records, so the restart repeats some.
            await Eventually.TrueAsync(async () => Volatile.Read(ref acknowledged) >= 100 && await RowCountAsync(postgres) > 0 && await StreamCountAsync(nats) > 0 && loki.Entries.Count > 0 || streaming.IsCompleted, "100 acknowledged messages, stored by every sink");
            await gateway.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => streaming);
        }

        Assert.InRange<uint>(acknowledged, 100u, Total - 1);
        await using (var gateway = await StartAsync(worldPath, dataDirectory, nats, postgres, loki, out var port))
        {
            await using var device = new TestDevice(_world, "sensor-1", port);
            await device.ConnectAsync(_world.MintAccessToken("sensor-1", DateTimeOffset.UtcNow));
            for (var seq = acknowledged + 1; seq <= Total; seq++)
            {
                Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(Message(device, seq))).ReasonCode);
            }

            // The last record is the sentinel: once each sink holds it, everything before it was delivered.
            await Eventually.TrueAsync(async () => await HasRowAsync(postgres, Total) && (await JetStreamMessages.ReadAllAsync(nats.Url, "M2M_TELEMETRY")).Any(m => m.Headers["ce-m2mseq"] == $"{Total}")
                && loki.Entries.Any(e => Id(e.Line) == $"sensor-1/1/1/{Total}"), "every sink to store the last record");
        }

        var expected = Enumerable.Range(1, Total).Select(seq => $"sensor-1/1/1/{seq}").ToList();
        Assert.Equal(expected, (await JetStreamMessages.ReadAllAsync(nats.Url, "M2M_TELEMETRY")).Select(m => m.Headers["Nats-Msg-Id"]));
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT device || '/' || generation || '/' || epoch || '/' || seq FROM m2m_telemetry ORDER BY seq", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        Assert.Equal(expected, rows);
        Assert.Equal(expected, loki.Entries.Select(e => Id(e.Line)));
    }

    private static string Id(string line) => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!;

    private static Task<GatewayProcess> StartAsync(string worldPath, string dataDirectory, NatsServer nats, PostgresServer postgres, LokiPushReceiver loki, out int port)
    {
        port = LoopbackPort.Free();
        return GatewayProcess.StartAsync("M2M.Gateway.TestHost.dll", dataDirectory,
            "--TestWorld", worldPath, "--Gateway:Mqtt:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Gateway:Relay:Nats:Url", nats.Url, "--Gateway:Relay:Nats:CreateStream", "true",
            "--Gateway:Relay:Postgres:ConnectionString", postgres.ConnectionString,
            "--Gateway:Relay:Loki:Url", loki.PushUrl.ToString(),
            "--Gateway:Relay:BatchSize", "16", "--Gateway:Relay:PositionSaveInterval", "00:00:05");
    }

    private static async Task<long> RowCountAsync(PostgresServer postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT CASE WHEN to_regclass('m2m_telemetry') IS NULL THEN 0 ELSE (SELECT count(*) FROM m2m_telemetry) END", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<bool> HasRowAsync(PostgresServer postgres, int seq)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM m2m_telemetry WHERE seq = $1", connection);
        command.Parameters.AddWithValue((long)seq);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    private static async Task<long> StreamCountAsync(NatsServer nats)
    {
        try
        {
            return (await JetStreamMessages.ReadAllAsync(nats.Url, "M2M_TELEMETRY")).Count;
        }
        catch (NATS.Client.JetStream.NatsJSApiException)
        {
            return 0;
        }
    }

    private MqttApplicationMessage Message(TestDevice device, uint seq) =>
        device.Telemetry(1, seq, System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{seq}}}"), timestamp: _collected);
}
