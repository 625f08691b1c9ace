using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// API keys over the real gateway's admin API (docs/admin-api.md, "API keys"): the key is shown once
/// and stored hashed, works at once, stops working when rotated, expired or revoked; its last use is
/// recorded and every use audited; the last global admin key cannot be revoked, the bootstrap key can
/// once another exists.
/// </summary>
public sealed class ApiKeysAreCreatedRotatedExpiredAndRevokedTests : IAsyncLifetime
{
    private static readonly string[] KeyFields = ["id", "name", "roles", "tenant", "state", "createdAt", "secretSince", "expiresAt", "revokedAt", "lastUsedAt"];

    private static readonly string[] OperatorRole = ["operator"];

    private AdminGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await AdminGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ACreatedKeyIsShownOnceStoredHashedAndWorksAtOnce()
    {
        using var created = await _gateway.Client.PostAsJsonAsync(new Uri("/admin/v1/keys", UriKind.Relative),
            new { name = "ci pipeline", roles = OperatorRole, tenant = "acme", expiresAt = DateTimeOffset.UtcNow.AddDays(30) });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal([.. KeyFields, "key"], body.EnumerateObject().Select(p => p.Name));
        var id = body.GetProperty("id").GetString()!;
        var key = body.GetProperty("key").GetString()!;
        Assert.Matches("^ak-[0-9a-f]{16}$", id);
        Assert.Matches("^m2m_key_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal("active", body.GetProperty("state").GetString());
        Assert.Equal("acme", body.GetProperty("tenant").GetString());
        Assert.Equal($"/admin/v1/keys/{id}", created.Headers.Location?.OriginalString);

        // Shown once: not in show, list, the audit log, the gateway's output or registry.db.
        var shown = await _gateway.Client.GetStringAsync(new Uri($"/admin/v1/keys/{id}", UriKind.Relative));
        var listed = await _gateway.Client.GetStringAsync(new Uri("/admin/v1/keys", UriKind.Relative));
        Assert.DoesNotContain(key, shown + listed, StringComparison.Ordinal);
        Assert.DoesNotContain("\"key\"", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(key, File.ReadAllText(Path.Combine(_gateway.DataDirectory, "audit.jsonl")), StringComparison.Ordinal);
        Assert.DoesNotContain(key, _gateway.Process.Output, StringComparison.Ordinal);
        AssertNotInRegistryFiles(key);

        using var client = _gateway.ClientWith(key);
        using var listDevices = await client.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, listDevices.StatusCode);
        var audited = _gateway.AuditLines()[^1];
        Assert.Equal("device.list", audited.GetProperty("action").GetString());
        Assert.Equal(id, audited.GetProperty("actor").GetString());
        Assert.Equal("acme", audited.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task LastUseIsRecordedWithoutAWritePerRequest()
    {
        var (id, key) = await _gateway.CreateKeyAsync("dashboard", ["viewer"]);
        Assert.Equal(JsonValueKind.Null, (await ShowAsync(id)).GetProperty("lastUsedAt").ValueKind);
        using var client = _gateway.ClientWith(key);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 20; i++)
        {
            (await client.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative))).Dispose();
        }

        // Visible at once through the gateway, and in registry.db within the flush interval: one
        // write for the twenty uses.
        var lastUsed = DateTimeOffset.Parse((await ShowAsync(id)).GetProperty("lastUsedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(lastUsed, before, DateTimeOffset.UtcNow.AddSeconds(1));
        await Eventually.TrueAsync(() => StoredLastUse(id) != null, "last use written to registry.db");
        Assert.Equal(20, _gateway.AuditLines().Count(l => l.GetProperty("actor").GetString() == id && l.GetProperty("action").GetString() == "device.list"));
    }

    [Fact]
    public async Task ARotatedKeyReplacesTheOldOneAtOnce()
    {
        var (id, oldKey) = await _gateway.CreateKeyAsync("rotated", ["viewer"]);

        using var rotated = await _gateway.Client.PostAsync(new Uri($"/admin/v1/keys/{id}/rotate", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newKey = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        Assert.NotEqual(oldKey, newKey);
        await AssertRefusedAsync(oldKey, "invalid_key");
        using var client = _gateway.ClientWith(newKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative))).StatusCode);
        AssertAudited("key.rotate", id, "ok");
    }

    [Fact]
    public async Task AnExpiredKeyIsRefused()
    {
        var (id, key) = await _gateway.CreateKeyAsync("short-lived", ["viewer"]);
        using var later = await _gateway.Client.PostAsJsonAsync(new Uri($"/admin/v1/keys/{id}/expire", UriKind.Relative), new { at = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal("active", JsonDocument.Parse(await later.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString());

        using var now = await _gateway.Client.PostAsync(new Uri($"/admin/v1/keys/{id}/expire", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, now.StatusCode);
        Assert.Equal("expired", JsonDocument.Parse(await now.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString());
        await AssertRefusedAsync(key, "expired_key");
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedAndStaysRevoked()
    {
        var (id, key) = await _gateway.CreateKeyAsync("leaked", ["telemetry-reader"], "acme");

        using var revoked = await _gateway.Client.PostAsync(new Uri($"/admin/v1/keys/{id}/revoke", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var body = JsonDocument.Parse(await revoked.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("revoked", body.GetProperty("state").GetString());
        await AssertRefusedAsync(key, "revoked_key");
        using var rotate = await _gateway.Client.PostAsync(new Uri($"/admin/v1/keys/{id}/rotate", UriKind.Relative), null);
        await AdminApiManagesDevicesTests.AssertProblemAsync(rotate, HttpStatusCode.Conflict, "key_revoked");
        AssertAudited("key.revoke", id, "ok");
    }

    [Fact]
    public async Task TheLastAdminKeyCannotBeRevokedButTheBootstrapKeyCanOnceAnotherExists()
    {
        var bootstrap = JsonDocument.Parse(await _gateway.Client.GetStringAsync(new Uri("/admin/v1/keys", UriKind.Relative))).RootElement
            .EnumerateArray().Single(k => k.GetProperty("name").GetString() == "bootstrap");
        var bootstrapId = bootstrap.GetProperty("id").GetString()!;
        Assert.Equal(["admin"], bootstrap.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Null, bootstrap.GetProperty("tenant").ValueKind);

        // A tenant admin is no substitute: it cannot manage what every tenant shares.
        await _gateway.CreateKeyAsync("acme admin", ["admin"], "acme");
        using var refused = await _gateway.Client.PostAsync(new Uri($"/admin/v1/keys/{bootstrapId}/revoke", UriKind.Relative), null);
        await AdminApiManagesDevicesTests.AssertProblemAsync(refused, HttpStatusCode.Conflict, "last_admin_key");
        using var refusedExpiry = await _gateway.Client.PostAsync(new Uri($"/admin/v1/keys/{bootstrapId}/expire", UriKind.Relative), null);
        await AdminApiManagesDevicesTests.AssertProblemAsync(refusedExpiry, HttpStatusCode.Conflict, "last_admin_key");
        AssertAudited("key.revoke", bootstrapId, "last_admin_key");

        var (secondId, second) = await _gateway.CreateKeyAsync("second admin", ["admin"]);
        using var revoked = await _gateway.Client.PostAsync(new Uri($"/admin/v1/keys/{bootstrapId}/revoke", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await AssertRefusedAsync(_gateway.AdminKey, "revoked_key");

        // Now the second one is the last.
        using var client = _gateway.ClientWith(second);
        using var last = await client.PostAsync(new Uri($"/admin/v1/keys/{secondId}/revoke", UriKind.Relative), null);
        await AdminApiManagesDevicesTests.AssertProblemAsync(last, HttpStatusCode.Conflict, "last_admin_key");
    }

    [Theory]
    [InlineData("{\"name\":\"\",\"roles\":[\"admin\"]}", "invalid_name")]
    [InlineData("{\"name\":\"x\",\"roles\":[]}", "invalid_roles")]
    [InlineData("{\"name\":\"x\",\"roles\":[\"root\"]}", "invalid_roles")]
    [InlineData("{\"name\":\"x\",\"roles\":[\"viewer\",\"viewer\"]}", "invalid_roles")]
    [InlineData("{\"name\":\"x\",\"roles\":[\"viewer\"],\"tenant\":\"a b\"}", "invalid_tenant")]
    [InlineData("{\"name\":\"x\",\"roles\":[\"viewer\"],\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "invalid_expiry")]
    [InlineData("[1]", "invalid_body")]
    public async Task AnInvalidKeyRequestIs400WithAStableCode(string json, string code)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _gateway.Client.PostAsync(new Uri("/admin/v1/keys", UriKind.Relative), content);

        await AdminApiManagesDevicesTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    private async Task AssertRefusedAsync(string key, string reason)
    {
        using var client = _gateway.ClientWith(key);
        using var response = await client.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var line = _gateway.AuditLines()[^1];
        Assert.Equal("admin.authenticate", line.GetProperty("action").GetString());
        Assert.Equal(reason, line.GetProperty("outcome").GetString());
    }

    private async Task<JsonElement> ShowAsync(string id) =>
        JsonDocument.Parse(await _gateway.Client.GetStringAsync(new Uri($"/admin/v1/keys/{id}", UriKind.Relative))).RootElement;

    private long? StoredLastUse(string id)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_gateway.DataDirectory, "registry.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT last_used_at FROM admin_keys WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() is long value ? value : null;
    }

    private void AssertNotInRegistryFiles(string key)
    {
        foreach (var file in Directory.GetFiles(_gateway.DataDirectory, "registry.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.DoesNotContain(key, System.Text.Encoding.Latin1.GetString(copy.ToArray()), StringComparison.Ordinal);
        }
    }

    private void AssertAudited(string action, string target, string outcome) =>
        Assert.Contains(_gateway.AuditLines(), l => l.GetProperty("action").GetString() == action
            && l.TryGetProperty("target", out var t) && t.GetString() == target && l.GetProperty("outcome").GetString() == outcome);
}
