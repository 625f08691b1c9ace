using System.Net;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 15 items 4 and 6 together (docs/policies.md, "Variables"): a request authenticated by a
/// service client's token is judged by the expression policies with <c>principal.kind</c>
/// <c>service</c>, <c>principal.id</c> <c>client:{id}</c> and the token's claims: a policy that names
/// one client by its <c>client_id</c> claim refuses it (403 <c>policy_denied</c>) and lets another
/// client with the same roles through.
/// </summary>
public sealed class ExpressionPoliciesSeeAServiceClientsPrincipalAndClaimsTests : IAsyncLifetime
{
    private static readonly string[] ViewerRole = ["viewer"];

    private RevocationRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RevocationRig.StartAsync(null, null,
        "--Gateway:Policies:0:Name", "no-blocked-exporter",
        "--Gateway:Policies:0:Actions:0", "devices.list",
        "--Gateway:Policies:0:Expression", "!(principal.kind == 'service' && principal.id == 'client:' + claims.client_id && claims.client_id == 'blocked-exporter')");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task APolicyOverTheServicesClaimsRefusesOneClientAndNotAnother()
    {
        var admin = await _rig.KeyClientAsync(["admin"]);
        var blocked = await ServiceClients.TokenAsync(_rig.Client, "blocked-exporter", await ServiceClients.CreateClientAsync(admin, "blocked-exporter", ViewerRole));
        var allowed = await ServiceClients.TokenAsync(_rig.Client, "allowed-exporter", await ServiceClients.CreateClientAsync(admin, "allowed-exporter", ViewerRole));

        Assert.Equal((HttpStatusCode.Forbidden, "policy_denied"), Drop(await ServiceClients.GetAsync(_rig.NewClient(blocked), "/admin/v1/devices")));
        Assert.Equal(HttpStatusCode.OK, (await ServiceClients.GetAsync(_rig.NewClient(allowed), "/admin/v1/devices")).Status);
    }

    private static (HttpStatusCode, string?) Drop((HttpStatusCode Status, string? Code, string Body) answer) => (answer.Status, answer.Code);
}
