using System.Net;
using M2M.Gateway.Https;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Keys;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// A restarted gateway on the same data folder (and so the same master key and registry) keeps its
/// signing keys (tokens issued before still validate, the JWKS is unchanged), its development CA, and
/// the assertion ids already spent; the key ring file holds no private key in the clear.
/// </summary>
public class KeysAndSpentAssertionsSurviveARestartTests
{
    [Fact]
    public async Task RestartKeepsKeysCaAndSpentJtis()
    {
        var data = Directory.CreateTempSubdirectory("m2m-restart-").FullName;
        string token, assertion, caBefore, privateKeyBefore;
        List<string> keysBefore;
        await using (var before = await TokenGateway.StartAsync(null, data, null, "--Gateway:Issuer", "https://gateway.example"))
        {
            var device = (await before.Registry.AddAsync("sensor-0001", "acme", [], default))!;
            using var client = before.Client();
            token = await before.GetAccessTokenAsync(client, device, DateTimeOffset.UtcNow);
            assertion = TestAssertion.Create(device, before.TokenEndpoint, DateTimeOffset.UtcNow);
            using var spent = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(assertion));
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
            keysBefore = [.. (await TokenGateway.JwksAsync(client)).Keys.Select(k => k.Kid)];
            caBefore = await client.GetStringAsync(new Uri(GatewayCertificate.CaPath, UriKind.Relative));
            privateKeyBefore = Convert.ToBase64String(before.Service<SigningKeyRing>().Current.Key.ExportPkcs8PrivateKey());
        }

        try
        {
            await using var after = await TokenGateway.StartAsync(null, data, null, "--Gateway:Issuer", "https://gateway.example");
            using var client = after.Client();

            Assert.Equal(keysBefore, (await TokenGateway.JwksAsync(client)).Keys.Select(k => k.Kid));
            Assert.True((await after.Service<IAccessTokenValidator>().ValidateAccessTokenAsync(token, default)).Succeeded);
            using var replayed = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(assertion));
            Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
            Assert.Equal("jti_reused", after.Audit.Events.Single().Outcome);
            Assert.Equal(caBefore, await client.GetStringAsync(new Uri(GatewayCertificate.CaPath, UriKind.Relative)));

            var ring = await File.ReadAllTextAsync(Path.Combine(data, "signing-keys.json"));
            Assert.DoesNotContain(privateKeyBefore, ring, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", ring, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
