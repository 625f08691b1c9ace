namespace M2M.Provisioning.Tests.Support;

/// <summary>A temp folder with the inputs a provisioning reads: secret, Wi-Fi password, CA certificate.</summary>
public sealed class TestFiles : IDisposable
{
    /// <summary>The secret of docs/protocol.md section 10 (0x00..0x1f), base64url.</summary>
    public const string Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    public const string WifiPassword = "wifi-pass-never-printed";

    /// <summary>A CA certificate m2m can parse (it refuses text that is not one).</summary>
    public static readonly string CaPem = CreateCaPem();

    public TestFiles()
    {
        Folder = Directory.CreateTempSubdirectory("m2m-provision-test-").FullName;
        File.WriteAllText(SecretFile, Secret + "\n");
        File.WriteAllText(WifiPasswordFile, WifiPassword + "\n");
        File.WriteAllText(CaFile, CaPem);
        Directory.CreateDirectory(WorkDir);
    }

    public string Folder { get; }

    public string SecretFile => Path.Combine(Folder, "secret.txt");

    public string WifiPasswordFile => Path.Combine(Folder, "wifi.txt");

    public string CaFile => Path.Combine(Folder, "ca.pem");

    /// <summary>Where the provisioning creates its private folder, so the test can see it was removed.</summary>
    public string WorkDir => Path.Combine(Folder, "work");

    private static string CreateCaPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=test CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem() + "\n";
    }

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
    }
}
