using System.Text;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 11 item 8: after the gateway ran, issued a token, accepted a message and relayed it, every
/// file in its data folder (the SQLite databases with their -wal and -shm files, the audit log, the
/// relayed telemetry, the keys) is readable by its owner only (0600) and every folder is 0700, even
/// under the permissive umask 022 that would otherwise give 0644 and 0755.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class EveryFileTheGatewayWritesInItsDataFolderIsOwnerOnlyTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;

    [UnixFact]
    public async Task AfterAMessageWasAcceptedAndRelayedEveryFileIs0600AndEveryFolder0700()
    {
        var root = Directory.CreateTempSubdirectory("m2m-modes-").FullName;
        var data = Path.Combine(root, "gateway", "data");
        try
        {
            await using var gateway = await AdminGateway.StartAsync(new GatewayProcess.Launch
            {
                DataDirectory = data,
                Umask = "022",
                Arguments = ["--Gateway:Relay:File:Path", "relay/telemetry.jsonl"],
            });
            var secret = await gateway.AddDeviceAsync("sensor-0001");
            using var http = new HttpClient { BaseAddress = gateway.Process.BaseAddress };
            var endpoint = (await TokenGateway.MetadataAsync(http)).GetProperty("token_endpoint").GetString()!;
            using var issued = await TokenGateway.RequestTokenAsync(http, TokenGateway.Form(TestAssertion.Sign(DeviceKeyDerivation.DeriveAuthKey(secret), TestAssertion.Claims("sensor-0001", endpoint, DateTimeOffset.UtcNow))));
            var token = System.Text.Json.JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;

            await using var device = new TestDevice(TestWorld.Create(), "sensor-0001", gateway.MqttPort);
            Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(token)).ResultCode);
            var message = device.Telemetry(1, 1, Encoding.UTF8.GetBytes("""{"t":1}"""), timestamp: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), key: DeviceKeyDerivation.DeriveMessageKey(secret));
            Assert.True((await device.PublishAsync(message)).IsSuccess);
            Assert.Single(await FileSink.ReadAsync(Path.Combine(data, "relay", "telemetry.jsonl"), 1));

            var files = Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(data, f), File.GetUnixFileMode);
            var folders = Directory.EnumerateDirectories(data, "*", SearchOption.AllDirectories).Append(data).ToDictionary(f => Path.GetRelativePath(data, f), File.GetUnixFileMode);

            // SQLite gives -wal and -shm the database file's mode: they are here, and held to it.
            Assert.Superset(new HashSet<string> { "registry.db", "registry.db-wal", "journal.db", "journal.db-wal", "journal.db-shm", "jti.db", "jti.db-wal", "revoked-tokens.db", "revoked-tokens.db-wal", "revoked-tokens.db-shm", "audit.jsonl", "relay/telemetry.jsonl", "master.key", "signing-keys.json", "m2m-dev-ca.key", "m2m-dev-ca.pem", AdminGateway.KeyFileName }, files.Keys.ToHashSet());
            Assert.Empty(files.Where(f => f.Value != OwnerFile).Select(f => $"{f.Key} {f.Value}"));
            Assert.Empty(folders.Where(f => f.Value != OwnerFolder).Select(f => $"{f.Key} {f.Value}"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
