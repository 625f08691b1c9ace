using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Every admin API action over a real socket against the real gateway: status codes, bodies
/// (docs/admin-api.md), problem codes, and the audit line each action leaves.
/// </summary>
public sealed class AdminApiManagesDevicesTests(AdminGatewayFixture fixture) : IClassFixture<AdminGatewayFixture>
{
    private static readonly string[] DeviceFields = ["id", "tenant", "roles", "enabled", "credentialGeneration", "createdAt", "credentialSince", "lastSeenAt"];

    private AdminGateway Gateway => fixture.Gateway;

    private HttpClient Client => Gateway.Client;

    [Fact]
    public async Task AddReturns201WithTheDeviceAndItsSecretOnce()
    {
        using var response = await AddAsync("add-0001", "acme", ["reader", "writer"]);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/admin/v1/devices/add-0001", response.Headers.Location?.OriginalString);
        var body = await BodyAsync(response);
        Assert.Equal([.. DeviceFields, "secret"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("add-0001", body.GetProperty("id").GetString());
        Assert.Equal("acme", body.GetProperty("tenant").GetString());
        Assert.Equal(["reader", "writer"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(body.GetProperty("enabled").GetBoolean());
        Assert.Equal(1, body.GetProperty("credentialGeneration").GetInt64());
        Assert.True(DateTimeOffset.TryParse(body.GetProperty("createdAt").GetString(), out _));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("lastSeenAt").ValueKind);
        var secret = body.GetProperty("secret").GetString()!;
        Assert.Equal(43, secret.Length);
        Assert.Equal(32, Base64Url.DecodeFromChars(secret).Length);
        AssertAudited("device.add", "add-0001", "ok");

        // Shown once: never again in a show or a list.
        var shown = await Client.GetStringAsync(new Uri("/admin/v1/devices/add-0001", UriKind.Relative));
        var listed = await Client.GetStringAsync(new Uri("/admin/v1/devices", UriKind.Relative));
        Assert.DoesNotContain(secret, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, File.ReadAllText(Path.Combine(Gateway.DataDirectory, "audit.jsonl")), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, Gateway.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddingAnExistingDeviceIs409AndKeepsItsSecret()
    {
        using var first = await AddAsync("dup-0001", "acme");
        var secret = Base64Url.DecodeFromChars((await BodyAsync(first)).GetProperty("secret").GetString()!);
        using var second = await AddAsync("dup-0001", "other");

        Assert.DoesNotContain("secret", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertProblemAsync(second, HttpStatusCode.Conflict, "device_exists");
        var shown = await BodyAsync(await Client.GetAsync(new Uri("/admin/v1/devices/dup-0001", UriKind.Relative)));
        Assert.Equal("acme", shown.GetProperty("tenant").GetString());
        Assert.Equal(1, shown.GetProperty("credentialGeneration").GetInt64());
        AssertAudited("device.add", "dup-0001", "device_exists");

        // The secret it was given still authenticates it: the conflicting add replaced nothing.
        using var device = new HttpClient { BaseAddress = Gateway.Process.BaseAddress };
        var endpoint = (await TokenGateway.MetadataAsync(device)).GetProperty("token_endpoint").GetString()!;
        var assertion = TestAssertion.Sign(M2M.Gateway.Registry.DeviceKeyDerivation.DeriveAuthKey(secret), TestAssertion.Claims("dup-0001", endpoint, DateTimeOffset.UtcNow));
        using var token = await TokenGateway.RequestTokenAsync(device, TokenGateway.Form(assertion));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Theory]
    [InlineData("{\"id\":\"AB\",\"tenant\":\"acme\"}", "invalid_device_id", null)]
    [InlineData("{\"id\":\"Sensor-1\",\"tenant\":\"acme\"}", "invalid_device_id", null)]
    [InlineData("{\"id\":\"sensor/1\",\"tenant\":\"acme\"}", "invalid_device_id", null)]
    [InlineData("{\"tenant\":\"acme\"}", "invalid_device_id", null)]
    [InlineData("{\"id\":\"sensor-bad-tenant\",\"tenant\":\"\"}", "invalid_tenant", "sensor-bad-tenant")]
    [InlineData("{\"id\":\"sensor-bad-tenant\",\"tenant\":\"a b\"}", "invalid_tenant", "sensor-bad-tenant")]
    [InlineData("{\"id\":\"sensor-bad-tenant\"}", "invalid_tenant", "sensor-bad-tenant")]
    [InlineData("{\"id\":\"sensor-bad-roles\",\"tenant\":\"acme\",\"roles\":[\"\"]}", "invalid_roles", "sensor-bad-roles")]
    [InlineData("{\"id\":\"sensor-bad-roles\",\"tenant\":\"acme\",\"roles\":[\"a\",\"a\"]}", "invalid_roles", "sensor-bad-roles")]
    [InlineData("{\"id\":", "invalid_body", null)]
    [InlineData("[1,2]", "invalid_body", null)]
    [InlineData("{\"id\":7,\"tenant\":\"acme\"}", "invalid_body", null)]
    public async Task AMalformedAddIs400WithAStableCode(string json, string code, string? auditedDeviceId)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri("/admin/v1/devices", UriKind.Relative), content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, code);
        AssertAudited("device.add", auditedDeviceId, code);
    }

    [Fact]
    public async Task AnAddThatIsNotJsonIs400()
    {
        using var content = new StringContent("id=x", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await Client.PostAsync(new Uri("/admin/v1/devices", UriKind.Relative), content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_body");
    }

    [Fact]
    public async Task ListReturnsEveryDeviceOrderedByIdWithoutSecrets()
    {
        (await AddAsync("list-0002", "acme")).Dispose();
        (await AddAsync("list-0001", "acme")).Dispose();

        using var response = await Client.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var devices = (await BodyAsync(response)).EnumerateArray().ToList();
        var ids = devices.Select(d => d.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Contains("list-0001", ids);
        Assert.Contains("list-0002", ids);
        Assert.All(devices, d => Assert.Equal(DeviceFields, d.EnumerateObject().Select(p => p.Name)));
        AssertAudited("device.list", null, "ok");
    }

    [Fact]
    public async Task ShowReturnsTheDeviceOr404()
    {
        (await AddAsync("show-0001", "acme", ["reader"])).Dispose();

        var body = await BodyAsync(await Client.GetAsync(new Uri("/admin/v1/devices/show-0001", UriKind.Relative)));
        Assert.Equal(DeviceFields, body.EnumerateObject().Select(p => p.Name));
        AssertAudited("device.show", "show-0001", "ok");

        await AssertProblemAsync(await Client.GetAsync(new Uri("/admin/v1/devices/show-missing", UriKind.Relative)), HttpStatusCode.NotFound, "device_not_found");
        AssertAudited("device.show", "show-missing", "device_not_found");
    }

    [Fact]
    public async Task DisableAndEnableReturnTheDevice()
    {
        (await AddAsync("toggle-0001", "acme")).Dispose();

        using var disabled = await PostAsync("/admin/v1/devices/toggle-0001/disable");
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.False((await BodyAsync(disabled)).GetProperty("enabled").GetBoolean());
        AssertAudited("device.disable", "toggle-0001", "ok");

        using var enabled = await PostAsync("/admin/v1/devices/toggle-0001/enable");
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.True((await BodyAsync(enabled)).GetProperty("enabled").GetBoolean());
        AssertAudited("device.enable", "toggle-0001", "ok");

        await AssertProblemAsync(await PostAsync("/admin/v1/devices/toggle-missing/disable"), HttpStatusCode.NotFound, "device_not_found");
        AssertAudited("device.disable", "toggle-missing", "device_not_found");
        await AssertProblemAsync(await PostAsync("/admin/v1/devices/toggle-missing/enable"), HttpStatusCode.NotFound, "device_not_found");
        AssertAudited("device.enable", "toggle-missing", "device_not_found");
    }

    [Fact]
    public async Task RotateReturnsANewSecretAndGeneration()
    {
        using var added = await AddAsync("rotate-0001", "acme");
        var oldSecret = (await BodyAsync(added)).GetProperty("secret").GetString();

        using var rotated = await PostAsync("/admin/v1/devices/rotate-0001/rotate");

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var body = await BodyAsync(rotated);
        Assert.Equal([.. DeviceFields, "secret"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, body.GetProperty("credentialGeneration").GetInt64());
        var newSecret = body.GetProperty("secret").GetString()!;
        Assert.Equal(43, newSecret.Length);
        Assert.NotEqual(oldSecret, newSecret);
        AssertAudited("device.rotate", "rotate-0001", "ok");

        await AssertProblemAsync(await PostAsync("/admin/v1/devices/rotate-missing/rotate"), HttpStatusCode.NotFound, "device_not_found");
        AssertAudited("device.rotate", "rotate-missing", "device_not_found");
    }

    [Fact]
    public async Task DeleteReturns204ThenTheDeviceIsGoneUntilRegisteredAgain()
    {
        (await AddAsync("delete-0001", "acme")).Dispose();

        using var deleted = await Client.DeleteAsync(new Uri("/admin/v1/devices/delete-0001", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        AssertAudited("device.delete", "delete-0001", "ok");
        await AssertProblemAsync(await Client.GetAsync(new Uri("/admin/v1/devices/delete-0001", UriKind.Relative)), HttpStatusCode.NotFound, "device_not_found");
        await AssertProblemAsync(await Client.DeleteAsync(new Uri("/admin/v1/devices/delete-0001", UriKind.Relative)), HttpStatusCode.NotFound, "device_not_found");
        AssertAudited("device.delete", "delete-0001", "device_not_found");
        Assert.DoesNotContain("delete-0001", await Client.GetStringAsync(new Uri("/admin/v1/devices", UriKind.Relative)), StringComparison.Ordinal);

        // Registered again, the id continues its credential generation (no earlier token matches it).
        using var again = await AddAsync("delete-0001", "globex");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var body = await BodyAsync(again);
        Assert.Equal("globex", body.GetProperty("tenant").GetString());
        Assert.Equal(2, body.GetProperty("credentialGeneration").GetInt64());
        Assert.Equal(body.GetProperty("createdAt").GetString(), body.GetProperty("credentialSince").GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryAction()
    {
        using var anonymous = new HttpClient { BaseAddress = Gateway.Process.BaseAddress };

        var document = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;

        var operations = document.GetProperty("paths").EnumerateObject()
            // Other parts' endpoints (token service, discovery) may carry no operationId.
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Value.TryGetProperty("operationId", out var id) ? id.GetString() : null))
            .ToHashSet();
        var add = document.GetProperty("paths").GetProperty("/admin/v1/devices").GetProperty("post");
        Assert.True(add.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.Superset(new HashSet<string?> { "AddDevice", "ListDevices", "ShowDevice", "DisableDevice", "EnableDevice", "RotateDevice", "DeleteDevice" }, operations);
    }

    private Task<HttpResponseMessage> AddAsync(string id, string tenant, string[]? roles = null) =>
        Client.PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { id, tenant, roles = roles ?? [] });

    private Task<HttpResponseMessage> PostAsync(string path) => Client.PostAsync(new Uri(path, UriKind.Relative), null);

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = await BodyAsync(response);
            Assert.Equal(code, body.GetProperty("code").GetString());
            Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        }
    }

    private void AssertAudited(string action, string? deviceId, string outcome)
    {
        var line = Gateway.AuditLines().LastOrDefault(l => l.GetProperty("action").GetString() == action);
        Assert.True(line.ValueKind == JsonValueKind.Object, $"no audit line for {action}");
        Assert.Equal(deviceId, line.GetProperty("deviceId").GetString());
        Assert.Equal(outcome, line.GetProperty("outcome").GetString());
        Assert.StartsWith("ak-", line.GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", line.GetProperty("remoteAddress").GetString());
        Assert.True(DateTimeOffset.TryParse(line.GetProperty("time").GetString(), out _));
    }
}
