using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using M2M.Gateway.Journal;
using M2M.Gateway.Relay;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// One ES256 signature covers a batch of records through a Merkle tree (docs/ingress.md, "Verifying
/// a record"): each relayed record verifies with nothing but the gateway's published metadata and
/// JWKS, whatever the batch size, and fails once any attribute, any payload byte or any part of its
/// proof changes.
/// </summary>
public sealed class BatchSignedRecordsVerifyWithThePublishedJwksAloneTests
{
    [Fact]
    public async Task ARelayedRecordVerifiesWithThePublishedJwksAndFailsIfAnythingChanges()
    {
        await using var gateway = await TokenGateway.StartAsync(null, null, null, "--Gateway:Relay:File:Enabled", "true");
        var world = new TestWorld();
        var devices = new List<TestDevice>();
        using var client = gateway.Client();
        foreach (var id in new[] { "meter-0001", "meter-0002", "meter-0003" })
        {
            var credential = (await gateway.Registry.AddAsync(id, "acme", [], CancellationToken.None))!;
            world.Devices.Add(new TestDeviceEntry { Id = id, Tenant = "acme", SecretHex = Convert.ToHexStringLower(credential.Secret.Span) });
            var device = new TestDevice(world, id, gateway.MqttPort);
            Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(await gateway.GetAccessTokenAsync(client, credential, DateTimeOffset.UtcNow))).ResultCode);
            devices.Add(device);
        }

        // Three devices at once, so batches hold several records.
        await Task.WhenAll(devices.Select(async device =>
        {
            for (var seq = 1u; seq <= 8; seq++)
            {
                var payload = JsonSerializer.SerializeToUtf8Bytes(new { kwh = seq, device = device.Id, note = "ünïcødé+/=" });
                Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(device.Telemetry(1, seq, payload))).ReasonCode);
            }
        }));
        var events = await FileSink.ReadAsync(Path.Combine(gateway.DataDirectory, "telemetry.jsonl"), 24);
        Assert.Equal(24, events.Count);

        // What a consumer knows: the gateway's address and the CA it trusts. Its metadata names the
        // issuer and the JWKS.
        using var https = gateway.HttpsClient();
        var metadata = await TokenGateway.MetadataAsync(https);
        var issuer = metadata.GetProperty("issuer").GetString()!;
        var keys = RecordVerifier.KeysOf(await https.GetStringAsync(new Uri(metadata.GetProperty("jwks_uri").GetString()!)));
        Assert.All(events, e => Assert.Null(RecordVerifier.Check(e, keys, issuer)));

        var record = events.MaxBy(e => RecordVerifier.BatchClaims(e).GetProperty("tree_size").GetInt64());
        foreach (var changed in Alterations(record))
        {
            Assert.NotNull(RecordVerifier.Check(changed.Event, keys, issuer));
        }

        Assert.NotNull(RecordVerifier.Check(record, keys, "https://another.gateway.example"));
        foreach (var device in devices)
        {
            await device.DisposeAsync();
        }
    }

    [Fact]
    public void EveryRecordOfABatchOfAnySizeVerifies()
    {
        var world = TestWorld.Create(("sensor-1", "acme"));
        using var key = world.RecordKey();
        using var builder = new RecordBatchBuilder(new TestRecordSigner(world), TimeProvider.System);
        for (var size = 1; size <= 33; size++)
        {
            var records = Enumerable.Range(1, size).Select(i => new CommittedRecord(1000 + i, new JournalRecord(
                0, "sensor-1", "acme", 2, "devices/sensor-1/telemetry/power", 3, (uint)i, 1767225600000 + i, 1767225601000 + i,
                i % 3 == 0 ? null : "application/json", [(byte)i, 0x2B, 0x2F], "c2ln"))).ToList();

            var batch = builder.Build(records);

            Assert.Equal(size, batch.Events.Length);
            for (var i = 0; i < size; i++)
            {
                var cloudEvent = JsonDocument.Parse(batch.Events[i].Json).RootElement;
                Assert.Equal(records[i].Position, batch.Events[i].Position);
                Assert.Equal(i.ToString(CultureInfo.InvariantCulture), cloudEvent.GetProperty("m2mleafindex").GetString());
                Assert.Equal(size, RecordVerifier.BatchClaims(cloudEvent).GetProperty("tree_size").GetInt64());
                Assert.True(RecordVerifier.Verify(cloudEvent, key, world.Issuer), $"record {i} of a batch of {size}");
            }
        }
    }

    /// <summary>The record with one thing changed: each covered attribute, each payload byte, each part of the proof.</summary>
    private static IEnumerable<(string What, JsonElement Event)> Alterations(JsonElement record)
    {
        foreach (var name in RecordVerifier.CoveredAttributes)
        {
            if (record.TryGetProperty(name, out var value))
            {
                var text = value.GetString()!;
                yield return (name, With(record, name, text[..^1] + (text[^1] == '1' ? '2' : '1')));
                yield return (name + " removed", With(record, name, null));
            }
        }

        var data = Convert.FromBase64String(record.GetProperty("data_base64").GetString()!);
        for (var i = 0; i < data.Length; i++)
        {
            var altered = data.ToArray();
            altered[i] ^= 0x01;
            yield return ($"data byte {i}", With(record, "data_base64", Convert.ToBase64String(altered)));
        }

        var index = int.Parse(record.GetProperty("m2mleafindex").GetString()!, CultureInfo.InvariantCulture);
        yield return ("leaf index", With(record, "m2mleafindex", (index == 0 ? 1 : index - 1).ToString(CultureInfo.InvariantCulture)));
        var path = record.GetProperty("m2mauditpath").GetString()!;
        yield return ("audit path", With(record, "m2mauditpath", path.Length == 0 ? new string('A', 43) : (path[0] == 'A' ? 'B' : 'A') + path[1..]));
        var jws = record.GetProperty("m2mgatewaysig").GetString()!.Split('.');
        yield return ("batch claims", With(record, "m2mgatewaysig", $"{jws[0]}.{(jws[1][5] == 'A' ? jws[1][..5] + 'B' : jws[1][..5] + 'A')}{jws[1][6..]}.{jws[2]}"));
        yield return ("added attribute", With(record, "m2mnote", "unsigned"));
    }

    private static JsonElement With(JsonElement record, string name, string? value)
    {
        var node = JsonNode.Parse(record.GetRawText())!.AsObject();
        if (value == null)
        {
            node.Remove(name);
        }
        else
        {
            node[name] = value;
        }

        return JsonDocument.Parse(node.ToJsonString()).RootElement;
    }
}
