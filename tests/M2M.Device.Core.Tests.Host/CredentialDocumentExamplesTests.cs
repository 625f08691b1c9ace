using System;
using System.IO;
using System.Text.RegularExpressions;
using Xunit;

namespace M2M.Device.Core.Tests.Host;

/// <summary>
/// The byte examples of docs/device-credential.md section 7 are the ones the device tests check, so
/// the document the provisioning tool is written from cannot drift from the code.
/// </summary>
public partial class CredentialDocumentExamplesTests
{
    [Fact]
    public void TheDocumentedCredentialBytesAreTheOnesTheDeviceTestsCheck()
    {
        var document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "device-credential.md"));

        var block = CredentialBlock().Match(document);

        Assert.True(block.Success);
        Assert.Equal(CredentialRecordMatchesTheDocumentedBytesTests.CredentialHex, Regex.Replace(block.Groups[1].Value, @"\s", string.Empty));
        Assert.Contains("Boot epoch 7 is `" + CredentialRecordMatchesTheDocumentedBytesTests.EpochHex + "`", document, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"is these 155 bytes:\s*```\s*([0-9a-f\s]+)```")]
    private static partial Regex CredentialBlock();
}
