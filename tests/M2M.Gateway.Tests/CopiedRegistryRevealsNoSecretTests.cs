using M2M.Gateway.Registry;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>Device secrets are only AES-GCM ciphertext at rest: the registry files without the master key reveal none.</summary>
public sealed class CopiedRegistryRevealsNoSecretTests
{
    [Fact]
    public async Task TheSecretBytesAppearInNoRegistryFileAndDoNotDecryptUnderAnotherMasterKey()
    {
        using var store = new TempRegistry();
        var added = await store.Registry.AddAsync("sensor-0001", "acme", ["reader"], CancellationToken.None);
        var rotated = await store.Registry.RotateSecretAsync("sensor-0001", CancellationToken.None);
        Assert.NotNull(added);
        Assert.NotNull(rotated);
        TempRegistry.ReleaseFiles();

        var copy = Directory.CreateTempSubdirectory("m2m-stolen-").FullName;
        try
        {
            // Everything an attacker could copy except master.key: the database and its WAL/SHM files.
            foreach (var file in Directory.GetFiles(store.Folder.FullPath).Where(f => Path.GetFileName(f) != MasterKey.FileName))
            {
                var bytes = File.ReadAllBytes(file);
                Assert.Equal(-1, bytes.AsSpan().IndexOf(added.Secret.Span));
                Assert.Equal(-1, bytes.AsSpan().IndexOf(rotated.Secret.Span));
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            // The copy opened by a gateway with a different master key reads the devices but no secret.
            using var other = new TempRegistry(directory: copy);
            Assert.NotNull(await other.Registry.FindAsync("sensor-0001", CancellationToken.None));
            await Assert.ThrowsAsync<System.Security.Cryptography.CryptographicException>(
                () => other.Registry.FindCredentialAsync("sensor-0001", CancellationToken.None));
        }
        finally
        {
            TempRegistry.ReleaseFiles();
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }
        }
    }

    [Fact]
    public void ACiphertextDoesNotDecryptForAnotherDeviceOrGenerationOrWhenAltered()
    {
        using var store = new TempRegistry();
        var secret = new byte[32];
        var sealedValue = store.Protector.Protect(secret, SqlDeviceRegistry.SecretPurpose("sensor-0001", 1));

        Assert.Equal(AesGcmSecretProtector.Version, sealedValue[0]);
        Assert.Equal(1 + 12 + 32 + 16, sealedValue.Length);
        Assert.Equal(secret, store.Protector.Unprotect(sealedValue, SqlDeviceRegistry.SecretPurpose("sensor-0001", 1)));
        Assert.Null(store.Protector.Unprotect(sealedValue, SqlDeviceRegistry.SecretPurpose("sensor-0002", 1)));
        Assert.Null(store.Protector.Unprotect(sealedValue, SqlDeviceRegistry.SecretPurpose("sensor-0001", 2)));
        for (var i = 0; i < sealedValue.Length; i++)
        {
            var altered = (byte[])sealedValue.Clone();
            altered[i] ^= 0x01;
            Assert.Null(store.Protector.Unprotect(altered, SqlDeviceRegistry.SecretPurpose("sensor-0001", 1)));
        }

        Assert.Null(store.Protector.Unprotect(sealedValue.AsSpan(0, 20), SqlDeviceRegistry.SecretPurpose("sensor-0001", 1)));
    }

    [Fact]
    public void TwoEncryptionsOfOneSecretDiffer()
    {
        using var store = new TempRegistry();
        Assert.NotEqual(store.Protector.Protect(new byte[32], "p"), store.Protector.Protect(new byte[32], "p"));
    }
}
