using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using M2M.Device.Core.Host.Platform;
using Xunit;

namespace M2M.Device.Host.Tests;

/// <summary>With a CA in the credential, HTTPS trusts that CA and nothing else, as the board does.</summary>
public sealed class HostHttpTransportTrustsOnlyTheProvisionedCaTests
{
    [Fact]
    public async Task AServerCertifiedByTheProvisionedCaIsTrustedAndOthersAreNot()
    {
        using var ca = CreateCa("M2M test CA");
        using var otherCa = CreateCa("Some other CA");
        using var leaf = CreateServerCertificate(ca);
        await using var server = await LoopbackTokenServer.StartAsync(leaf);
        server.Answers.Enqueue((200, "{}", null, TimeSpan.Zero));
        using var trusting = new HostHttpTransport(TimeSpan.FromSeconds(10), ca.ExportCertificatePem());
        using var other = new HostHttpTransport(TimeSpan.FromSeconds(10), otherCa.ExportCertificatePem());
        using var systemRoots = new HostHttpTransport(TimeSpan.FromSeconds(10), null);

        Assert.Equal(200, trusting.PostForm(server.TokenEndpoint, "grant_type=client_credentials", null).StatusCode);
        Assert.Equal(0, other.PostForm(server.TokenEndpoint, "grant_type=client_credentials", null).StatusCode);
        Assert.Equal(0, systemRoots.PostForm(server.TokenEndpoint, "grant_type=client_credentials", null).StatusCode);
        Assert.Single(server.Requests);
    }

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 CreateServerCertificate(X509Certificate2 ca)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Kestrel on Linux needs a certificate whose key it can use from a PKCS#12 round trip.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }
}
