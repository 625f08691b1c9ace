using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Every endpoint of the admin and consumer APIs × every role, global and tenant-scoped, against the
/// real gateway (docs/admin-api.md, "Roles and tenants"): a role that does not allow the action is
/// 403, a tenant-scoped principal never sees or changes another tenant's devices, keys or audit
/// lines (404 as if absent, lists filtered, the resource unchanged), never reads its telemetry (403)
/// and never touches what every tenant shares. The table is checked against the gateway's own OpenAPI document (generated from
/// its endpoint data source), so an endpoint added without a row here fails this test.
/// </summary>
public sealed class EveryEndpointKeepsRolesAndTenantsApartTests : IAsyncLifetime
{
    private const string Own = "acme";
    private const string Other = "globex";

    /// <summary>What each role may do: the table of docs/admin-api.md, written here independently of the gateway's.</summary>
    private static readonly Dictionary<string, string[]> Grants = new()
    {
        ["admin"] = ["ReadDevices", "ManageDevices", "ReadSinks", "ManageSinks", "ReadKeys", "ManageKeys", "ReadAudit", "ReadTelemetry", "ReadPolicies"],
        ["operator"] = ["ReadDevices", "ManageDevices", "ReadSinks", "ManageSinks", "ReadAudit", "ReadPolicies"],
        ["viewer"] = ["ReadDevices", "ReadSinks", "ReadAudit", "ReadPolicies"],
        ["telemetry-reader"] = ["ReadTelemetry"],
    };

    private static readonly string[] ViewerRole = ["viewer"];

    private AdminGateway _gateway = null!;
    private int _serial;

    private enum Kind
    {
        /// <summary>Creates a resource in the other tenant.</summary>
        Create,

        /// <summary>Lists resources; the items' tenant is read by the row's selector.</summary>
        List,

        /// <summary>Acts on one resource of the other tenant.</summary>
        Resource,

        /// <summary>Acts on what every tenant shares.</summary>
        Shared,

        /// <summary>Reads the data of the tenant named in the path (the other tenant).</summary>
        TenantPath,
    }

    private sealed record Row(string Method, string Route, string Action, Kind Kind, string? Resource = null, Func<JsonElement, IEnumerable<string?>>? Tenants = null);

    private static readonly Row[] Rows =
    [
        new("POST", "/admin/v1/devices", "ManageDevices", Kind.Create),
        new("GET", "/admin/v1/devices", "ReadDevices", Kind.List, Tenants: body => body.EnumerateArray().Select(d => d.GetProperty("tenant").GetString())),
        new("GET", "/admin/v1/devices/{id}", "ReadDevices", Kind.Resource, "device"),
        new("POST", "/admin/v1/devices/{id}/disable", "ManageDevices", Kind.Resource, "device"),
        new("POST", "/admin/v1/devices/{id}/enable", "ManageDevices", Kind.Resource, "device"),
        new("POST", "/admin/v1/devices/{id}/rotate", "ManageDevices", Kind.Resource, "device"),
        new("DELETE", "/admin/v1/devices/{id}", "ManageDevices", Kind.Resource, "device"),
        new("POST", "/admin/v1/devices/{id}/commands", "ManageDevices", Kind.Resource, "device"),
        new("GET", "/admin/v1/devices/{id}/commands", "ReadDevices", Kind.Resource, "device"),
        new("GET", "/admin/v1/devices/{id}/commands/{sequence}", "ReadDevices", Kind.Resource, "device"),
        new("GET", "/admin/v1/devices/{id}/rotations", "ReadDevices", Kind.Resource, "device"),
        new("GET", "/admin/v1/devices/{id}/rotations/{sequence}", "ReadDevices", Kind.Resource, "device"),
        new("GET", "/admin/v1/devices/{id}/rotation-schedule", "ReadDevices", Kind.Resource, "device"),
        new("PUT", "/admin/v1/devices/{id}/rotation-schedule", "ManageDevices", Kind.Resource, "device"),
        new("GET", "/admin/v1/sinks", "ReadSinks", Kind.Shared),
        new("GET", "/admin/v1/sinks/{sink}/dead-letters", "ReadSinks", Kind.Shared),
        new("POST", "/admin/v1/sinks/{sink}/dead-letters/redeliver", "ManageSinks", Kind.Shared),
        new("GET", "/admin/v1/sinks/credentials", "ReadSinks", Kind.Shared),
        new("PUT", "/admin/v1/sinks/credentials/{name}", "ManageSinks", Kind.Shared),
        new("DELETE", "/admin/v1/sinks/credentials/{name}", "ManageSinks", Kind.Shared),
        new("POST", "/admin/v1/keys", "ManageKeys", Kind.Create),
        new("GET", "/admin/v1/keys", "ReadKeys", Kind.List, Tenants: body => body.EnumerateArray().Select(k => k.GetProperty("tenant").GetString())),
        new("GET", "/admin/v1/keys/{id}", "ReadKeys", Kind.Resource, "key"),
        new("POST", "/admin/v1/keys/{id}/rotate", "ManageKeys", Kind.Resource, "key"),
        new("POST", "/admin/v1/keys/{id}/expire", "ManageKeys", Kind.Resource, "key"),
        new("POST", "/admin/v1/keys/{id}/revoke", "ManageKeys", Kind.Resource, "key"),
        new("POST", "/admin/v1/clients", "ManageKeys", Kind.Create),
        new("GET", "/admin/v1/clients", "ReadKeys", Kind.List, Tenants: body => body.EnumerateArray().Select(k => k.GetProperty("tenant").GetString())),
        new("GET", "/admin/v1/clients/{id}", "ReadKeys", Kind.Resource, "client"),
        new("POST", "/admin/v1/clients/{id}/rotate", "ManageKeys", Kind.Resource, "client"),
        new("POST", "/admin/v1/clients/{id}/revoke", "ManageKeys", Kind.Resource, "client"),
        new("GET", "/admin/v1/audit", "ReadAudit", Kind.List,
            Tenants: body => body.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("event").TryGetProperty("tenant", out var t) ? t.GetString() : null)),
        new("GET", "/admin/v1/policies", "ReadPolicies", Kind.Shared),
        new("POST", "/admin/v1/policies/test", "ReadPolicies", Kind.Shared),
        new("GET", "/consumer/v1/tenants/{tenant}/records", "ReadTelemetry", Kind.TenantPath),
        new("GET", "/consumer/v1/tenants/{tenant}/records/stream", "ReadTelemetry", Kind.TenantPath),
    ];

    public async Task InitializeAsync() => _gateway = await AdminGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task TheTableCoversEveryEndpointTheGatewayMaps()
    {
        var document = JsonDocument.Parse(await _gateway.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var mapped = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/admin/", StringComparison.Ordinal) || p.Name.StartsWith("/consumer/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name.TrimEnd('/')}"))
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(Rows.Select(r => $"{r.Method} {r.Route}").Order(StringComparer.Ordinal), mapped);
    }

    [Fact]
    public async Task EveryRoleGlobalOrScopedGetsExactlyWhatTheTableSays()
    {
        // Resources of the principal's own tenant, so that a scoped list is never trivially empty.
        await _gateway.AddDeviceAsync("own-device", Own);
        await _gateway.CreateKeyAsync("own key", ["viewer"], Own);
        await ServiceClients.CreateClientAsync(_gateway.Client, "own-client", ViewerRole, Own);

        var failures = new List<string>();
        foreach (var role in Grants.Keys)
        {
            foreach (var tenant in new[] { null, Own })
            {
                var (_, key) = await _gateway.CreateKeyAsync($"{role} of {tenant ?? "all"}", [role], tenant);
                using var client = _gateway.ClientWith(key);
                foreach (var row in Rows)
                {
                    var failure = await CheckAsync(client, role, tenant, row);
                    if (failure != null)
                    {
                        failures.Add($"{row.Method} {row.Route} as {role}@{tenant ?? "*"}: {failure}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private async Task<string?> CheckAsync(HttpClient client, string role, string? tenant, Row row)
    {
        var target = await TargetAsync(row);
        var before = target.Show == null ? null : await SnapshotAsync(target.Show);
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), new Uri(target.Path, UriKind.Relative)) { Content = target.Body };
        // Headers first: a stream that is allowed stays open, and only its status is judged.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var text = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? string.Empty : await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var code = Code(text);

        if (!Grants[role].Contains(row.Action))
        {
            return Expect(status == 403 && code == "missing_role", "403 missing_role", status, code);
        }

        if (tenant != null && row.Kind == Kind.Shared)
        {
            return Expect(status == 403 && code == "global_scope_required", "403 global_scope_required", status, code);
        }

        switch (row.Kind)
        {
            case Kind.Create:
                return tenant != null
                    ? Expect(status == 403 && code == "other_tenant", "403 other_tenant", status, code)
                    : Expect(status == 201, "201", status, code);
            case Kind.List:
                if (status != 200)
                {
                    return Expect(false, "200", status, code);
                }

                var tenants = row.Tenants!(JsonDocument.Parse(text).RootElement).ToList();
                return tenant != null
                    ? tenants.Count > 0 && tenants.All(t => t == tenant) ? null : $"a scoped list shows [{string.Join(", ", tenants)}]"
                    : tenants.Contains(Other) ? null : $"a global list lacks {Other}: [{string.Join(", ", tenants.Distinct())}]";
            case Kind.Resource when tenant != null:
                var after = await SnapshotAsync(target.Show!);
                return status == 404 && code is "device_not_found" or "key_not_found" or "client_not_found"
                    ? after == before ? null : $"the other tenant's resource changed: {before} -> {after}"
                    : Expect(false, "404 *_not_found", status, code);
            case Kind.Resource:
                return Expect(status is 200 or 201 or 204, "200, 201 or 204", status, code);
            case Kind.TenantPath:
                return tenant != null
                    ? Expect(status == 403 && code == "other_tenant", "403 other_tenant", status, code)
                    : Expect(status == 200, "200", status, code);
            default:
                // Past the gate: the answer is the endpoint's own (a sink that is not enabled is 404 sink_not_found).
                return Expect(status is not (401 or 403), "past the access gate", status, code);
        }
    }

    /// <summary>A fresh resource of the other tenant for the row, so that one principal's allowed change does not affect the next case.</summary>
    private async Task<(string Path, HttpContent? Body, string? Show)> TargetAsync(Row row)
    {
        var n = Interlocked.Increment(ref _serial);
        switch (row.Resource)
        {
            case "device":
                var deviceId = $"other-{n:D4}";
                await _gateway.AddDeviceAsync(deviceId, Other);
                var devicePath = row.Route.Replace("{id}", deviceId, StringComparison.Ordinal);
                if (row.Route.EndsWith("/commands", StringComparison.Ordinal) && row.Method == "POST")
                {
                    return (devicePath, JsonContent.Create(new { name = "ping" }), $"/admin/v1/devices/{deviceId}");
                }

                if (row.Route.EndsWith("/rotation-schedule", StringComparison.Ordinal) && row.Method == "PUT")
                {
                    return (devicePath, JsonContent.Create(new { everySeconds = 3600 }), $"/admin/v1/devices/{deviceId}");
                }

                if (row.Route.EndsWith("/rotations/{sequence}", StringComparison.Ordinal))
                {
                    // A rotation of the other tenant's device, started by the bootstrap admin, for the row to read.
                    using var started = await _gateway.Client.PostAsync(new Uri($"/admin/v1/devices/{deviceId}/rotate", UriKind.Relative), JsonContent.Create(new { overTheAir = true }));
                    started.EnsureSuccessStatusCode();
                    var rotation = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("sequence").GetInt64();
                    return (devicePath.Replace("{sequence}", rotation.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), null, $"/admin/v1/devices/{deviceId}");
                }

                if (row.Route.EndsWith("/{sequence}", StringComparison.Ordinal))
                {
                    // A command of the other tenant's device, queued by the bootstrap admin, for the row to read.
                    using var queued = await _gateway.Client.PostAsync(new Uri($"/admin/v1/devices/{deviceId}/commands", UriKind.Relative), JsonContent.Create(new { name = "ping" }));
                    queued.EnsureSuccessStatusCode();
                    var sequence = JsonDocument.Parse(await queued.Content.ReadAsStringAsync()).RootElement.GetProperty("sequence").GetInt64();
                    devicePath = devicePath.Replace("{sequence}", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
                }

                return (devicePath, null, $"/admin/v1/devices/{deviceId}");
            case "key":
                var (keyId, _) = await _gateway.CreateKeyAsync($"other key {n}", ["viewer"], Other);
                return (row.Route.Replace("{id}", keyId, StringComparison.Ordinal), null, $"/admin/v1/keys/{keyId}");
            case "client":
                var clientId = $"other-client-{n:D4}";
                await ServiceClients.CreateClientAsync(_gateway.Client, clientId, ViewerRole, Other);
                return (row.Route.Replace("{id}", clientId, StringComparison.Ordinal), null, $"/admin/v1/clients/{clientId}");
        }

        HttpContent? body = row.Route switch
        {
            "/admin/v1/devices" when row.Method == "POST" => JsonContent.Create(new { id = $"new-{n:D4}", tenant = Other }),
            "/admin/v1/keys" when row.Method == "POST" => JsonContent.Create(new { name = $"new {n}", roles = ViewerRole, tenant = Other }),
            "/admin/v1/clients" when row.Method == "POST" => JsonContent.Create(new { id = $"new-client-{n:D4}", roles = ViewerRole, tenant = Other }),
            "/admin/v1/sinks/credentials/{name}" when row.Method == "PUT" => JsonContent.Create(new { value = "probe-secret" }),
            _ => null,
        };
        return (row.Route.Replace("{sink}", "file", StringComparison.Ordinal).Replace("{name}", $"probe-{n}", StringComparison.Ordinal).Replace("{tenant}", Other, StringComparison.Ordinal), body, null);
    }

    /// <summary>The resource as the bootstrap admin sees it, without the times that reading it may move.</summary>
    private async Task<string> SnapshotAsync(string path)
    {
        using var response = await _gateway.Client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"{(int)response.StatusCode} {text}";
        }

        var node = JsonNode.Parse(text)!.AsObject();
        node.Remove("lastSeenAt");
        node.Remove("lastUsedAt");
        return node.ToJsonString();
    }

    private static string? Code(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Expect(bool ok, string expected, int status, string? code) =>
        ok ? null : new StringBuilder().Append("expected ").Append(expected).Append(", got ").Append(status).Append(' ').Append(code).ToString();
}
