using System.Text.Json;
using M2M.Gateway.Audit;
using M2M.Gateway.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>The audit log: one JSON object per line with the gateway's (injected) time, a 0600 file, and no exception when the disk fails.</summary>
// Unix file modes: a real skip elsewhere (Xunit.SkippableFact reads SupportedOSPlatform).
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AuditLogAppendsOneJsonLinePerEventTests : IDisposable
{
    private readonly DataDirectory _folder = new(Directory.CreateTempSubdirectory("m2m-audit-").FullName);

    [SkippableFact]
    public void EachEventIsOneLineWithTheGatewayTimeInAnOwnerOnlyFile()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using (var log = new JsonLinesAuditLog(_folder, time, NullLogger<JsonLinesAuditLog>.Instance))
        {
            log.Record(new AuditEvent("device.add", "ak-1", "sensor-0001", "ok", "127.0.0.1"));
            time.Advance(TimeSpan.FromSeconds(5));
            log.Record(new AuditEvent("device.list", "ak-1", null, "ok", null));
        }

        // A restarted gateway appends.
        using (var log = new JsonLinesAuditLog(_folder, time, NullLogger<JsonLinesAuditLog>.Instance))
        {
            log.Record(new AuditEvent("token.refused", "device:sensor-0001", "sensor-0001", "invalid_client", "10.0.0.1"));
        }

        var path = _folder.Combine(JsonLinesAuditLog.FileName);
        var lines = File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(["time", "action", "actor", "deviceId", "outcome", "remoteAddress"], lines[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), lines[0].GetProperty("time").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T00:00:05Z", System.Globalization.CultureInfo.InvariantCulture), lines[1].GetProperty("time").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("deviceId").ValueKind);
        Assert.Equal("invalid_client", lines[2].GetProperty("outcome").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [SkippableFact]
    public void AWriteFailureDoesNotThrow()
    {
        using var log = new JsonLinesAuditLog(_folder, TimeProvider.System, NullLogger<JsonLinesAuditLog>.Instance);
        Directory.Delete(_folder.FullPath, recursive: true);

        log.Record(new AuditEvent("device.add", "ak-1", "sensor-0001", "ok", null));

        Assert.False(File.Exists(_folder.Combine(JsonLinesAuditLog.FileName)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder.FullPath))
        {
            Directory.Delete(_folder.FullPath, recursive: true);
        }
    }
}
