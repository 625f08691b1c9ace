using System.Text.Json;
using M2M.Gateway.Validation;

namespace M2M.Gateway.Tests;

/// <summary>
/// A configured claim (docs/tokens.md, "Claim mappings": device id, tenant and roles of trusted
/// issuers, a federation source's client, tenant and roles claims) is read as a top-level claim of
/// exactly that name, else as a path into nested objects, whose segments may themselves hold dots:
/// Keycloak's <c>realm_access.roles</c>, a URL-named claim, and a Kubernetes service-account token's
/// <c>kubernetes.io.namespace</c> and <c>kubernetes.io.serviceaccount.name</c>, which the OpenID
/// Connect provider of the other tests cannot issue.
/// </summary>
public sealed class ClaimMappingsReadNestedAndDottedClaimNamesTests
{
    private const string KubernetesToken = """
        {"iss":"https://kubernetes.default.svc","sub":"system:serviceaccount:ci:relay",
         "kubernetes.io":{"namespace":"ci","serviceaccount":{"name":"relay","uid":"5d1c"}},
         "realm_access":{"roles":["operator","viewer"]},
         "https://example.com/roles":"admin",
         "a.b":"exact","a":{"b":"nested"},
         "count":{"n":3},"aud":"m2m-gateway"}
        """;

    public static TheoryData<string, string?> Texts() => new()
    {
        { "sub", "system:serviceaccount:ci:relay" },
        { "kubernetes.io.namespace", "ci" },
        { "kubernetes.io.serviceaccount.name", "relay" },
        { "https://example.com/roles", "admin" },
        { "a.b", "exact" },                          // the exact name wins over the path
        { "count.n", null },                         // a number is not text
        { "kubernetes.io", null },                   // an object is not text
        { "kubernetes.io.", null },
        { ".namespace", null },
        { "kubernetes.io.serviceaccount.name.x", null },
        { "kubernetes", null },
        { "realm_access.roles", null },              // an array is not text
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void ATextClaimIsFoundByNameOrPath(string claim, string? expected)
    {
        using var token = JsonDocument.Parse(KubernetesToken);

        Assert.Equal(expected, ClaimPath.Text(token.RootElement, claim));
    }

    [Fact]
    public void StringsAreOneStringOrAnArrayOfThem()
    {
        using var token = JsonDocument.Parse(KubernetesToken);

        Assert.Equal(["operator", "viewer"], ClaimPath.Strings(token.RootElement, "realm_access.roles"));
        Assert.Equal(["m2m-gateway"], ClaimPath.Strings(token.RootElement, "aud"));
        Assert.Empty(ClaimPath.Strings(token.RootElement, "realm_access.groups"));
        Assert.Empty(ClaimPath.Strings(token.RootElement, "count"));
    }
}
