using System.Text.Json;
using M2M.Gateway.Journal;
using M2M.Gateway.Relay;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Npgsql;

namespace M2M.Gateway.Tests;

/// <summary>
/// The PostgreSQL sink against a real PostgreSQL 15 (docs/sinks.md, "PostgreSQL"): its table is
/// created by migration 1 and recorded in <c>m2m_schema_version</c>; each record is one row with its
/// provenance, its JSON payload queryable as jsonb, and the event rebuilt by the documented query
/// verifies with the gateway's key; a server outage delays rows and repeats none; a refused password
/// fails the sink with its SQLSTATE and a metric while the records wait, and they all arrive once it
/// is right.
/// </summary>
public sealed class PostgresHoldsOneRowPerRecordWithProvenanceTests : IAsyncLifetime
{
    private RelayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RelayRig.StartAsync(webhookDown: false);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task RowsCarryTheRecordAndItsProvenanceAndAnOutageRepeatsNone()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var gateway = await _rig.StartGatewayAsync(false, "--Gateway:Relay:Postgres:ConnectionString", postgres.ConnectionString);
        await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
        await PublishAsync(device, 1, 3);
        await WaitForPositionAsync(gateway, 3);

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(1, await ScalarAsync<int>(connection, "SELECT version FROM public.m2m_schema_version WHERE name = 'public.m2m_telemetry'"));
        Assert.Equal(
            [("acme", "sensor-1", "power", 1L, 1L, 1L, 1L), ("acme", "sensor-1", "power", 1L, 1L, 2L, 2L), ("acme", "sensor-1", "power", 1L, 1L, 3L, 3L)],
            await RowsAsync(connection, "SELECT tenant, device, stream, generation, epoch, seq, (payload->>'w')::bigint FROM m2m_telemetry ORDER BY seq",
                r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6))));

        // The documented query rebuilds each row's CloudEvent; it verifies with the gateway's key.
        using var key = _rig.World.RecordKey();
        var events = await RowsAsync(connection, SinksDocument.RebuildEventQuery, r => JsonDocument.Parse(r.GetString(0)).RootElement.Clone());
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.True(RecordVerifier.Verify(e, key, _rig.World.Issuer), e.GetRawText()));

        // The server goes away: rows wait while the sink fails, then arrive once.
        await postgres.StopAsync();
        await PublishAsync(device, 4, 6);
        await Eventually.TrueAsync(() => gateway.Service<RelayStatus>().Report().Single(r => r.Name == "postgres").Failing, "the postgres sink to fail while the server is down");
        await postgres.StartAgainAsync();
        await PublishAsync(device, 7, 7);
        await WaitForPositionAsync(gateway, 7);
        NpgsqlConnection.ClearAllPools();
        await using var after = new NpgsqlConnection(postgres.ConnectionString);
        await after.OpenAsync();
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), await RowsAsync(after, "SELECT seq FROM m2m_telemetry ORDER BY seq", r => r.GetInt64(0)));
    }

    [Fact]
    public async Task AWrongPasswordFailsTheSinkWithItsReasonAndLosesNothing()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var wrong = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Password = "wrong-password" }.ConnectionString;
        await using (var gateway = await _rig.StartGatewayAsync(false, "--Gateway:Relay:Postgres:ConnectionString", wrong))
        {
            await using var device = await gateway.ConnectAsync("sensor-1", DateTimeOffset.UtcNow);
            await PublishAsync(device, 1, 3);
            await _rig.FileEventsAsync(3);
            var report = await Eventually.ValueAsync(() => gateway.Service<RelayStatus>().Report().Single(r => r.Name == "postgres"), r => r.State == "failing", "the postgres sink to fail");
            Assert.Equal("postgres 28P01", report.LastError);
            Assert.Equal(3, report.Lag);
            var metrics = await gateway.MetricsAsync();
            Assert.True(metrics.Value("m2m_relay_sink_failures_total{sink=\"postgres\",reason=\"postgres 28P01\"}") > 0, metrics.Text);
        }

        await using var again = await _rig.StartGatewayAsync(false, "--Gateway:Relay:Postgres:ConnectionString", postgres.ConnectionString);
        await WaitForPositionAsync(again, 3);
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal([1L, 2L, 3L], await RowsAsync(connection, "SELECT seq FROM m2m_telemetry ORDER BY seq", r => r.GetInt64(0)));
    }

    private static async Task PublishAsync(TestDevice device, uint first, uint last)
    {
        for (var seq = first; seq <= last; seq++)
        {
            var message = device.Telemetry(1, seq, System.Text.Encoding.UTF8.GetBytes($"{{\"w\":{seq}}}"), topic: "devices/sensor-1/telemetry/power");
            Assert.Equal(MQTTnet.MqttClientPublishReasonCode.Success, (await device.PublishAsync(message)).ReasonCode);
        }
    }

    private static Task WaitForPositionAsync(InProcessGateway gateway, long position) =>
        Eventually.TrueAsync(() => gateway.Service<TelemetryJournal>().Sinks.Any(s => s.Sink == "postgres" && s.Position >= position), $"the postgres sink to deliver up to position {position}");

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<T>> RowsAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
