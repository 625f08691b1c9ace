namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The test vectors of docs/protocol.md section 10, as constants a board can hold. A host test
    /// (ProtocolVectorsDocumentTests) checks that these equal the JSON block in the document, so the
    /// document, the device and the gateway cannot drift apart.
    /// </summary>
    public static class ProtocolTestVectors
    {
        public const string SecretHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        public const string DeviceId = "sensor-0001";
        public const string AuthKeyHex = "11a8d4cbe03a04bf575980d445e2eaf6cefb325c727aa72be54188ee54ff619f";
        public const string MessageKeyHex = "23416fa020fd99c683284a2f5f8a8574780e62632af3991ea629d0e419973af4";

        public const string AssertionAudience = "https://gateway.example/oauth2/token";
        public const string AssertionJwtId = "vector-jti-0001";
        public const long AssertionIssuedAt = 1767225600;
        public const long AssertionExpiresAt = 1767225900;
        public const string Assertion = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzZW5zb3ItMDAwMSIsInN1YiI6InNlbnNvci0wMDAxIiwiYXVkIjoiaHR0cHM6Ly9nYXRld2F5LmV4YW1wbGUvb2F1dGgyL3Rva2VuIiwianRpIjoidmVjdG9yLWp0aS0wMDAxIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE3NjcyMjU5MDB9.80PcyEzt6_QpiLoOKukNhy0UgaSX7QfijRxTTpfL3UQ";

        public const string Message1Topic = "devices/sensor-0001/telemetry";
        public const uint Message1Epoch = 7;
        public const uint Message1Sequence = 42;
        public const long Message1Timestamp = 1767225600123;
        public const string Message1ContentType = "application/json";
        public const string Message1PayloadHex = "7b2274656d70223a32312e352c227268223a34307d";
        public const string Message1EncodedHex = "0000000e6d326d2f76312f6d73672d7369670000000b73656e736f722d303030310000001d646576696365732f73656e736f722d303030312f74656c656d657472790000000400000007000000040000002a000000080000019b76daa87b000000106170706c69636174696f6e2f6a736f6e000000157b2274656d70223a32312e352c227268223a34307d";
        public const string Message1Signature = "pB840RfpMOHjFOSWasCCsio2VF366j-zzuW5kheZc24";

        public const string Message2Topic = "devices/sensor-0001/telemetry/vibration";
        public const uint Message2Epoch = 1;
        public const uint Message2Sequence = 1;
        public const long Message2Timestamp = 0;
        public const string Message2ContentType = "";
        public const string Message2PayloadHex = "00ff1080";
        public const string Message2EncodedHex = "0000000e6d326d2f76312f6d73672d7369670000000b73656e736f722d3030303100000027646576696365732f73656e736f722d303030312f74656c656d657472792f766962726174696f6e00000004000000010000000400000001000000080000000000000000000000000000000400ff1080";
        public const string Message2Signature = "POZ1x3E_HHdUAz8d8_P431aX-Y_zp8PJO19TBapZonE";

        public const string CommandKeyHex = "622545942dc73be68098aabd6b2005d2c4bcba29e14b195f3dbd16eae7c325e0";

        public const uint Command1Sequence = 1;
        public const long Command1ExpiresAt = 1767229200;
        public const string Command1Name = "set-config";
        public const string Command1Arguments = "telemetry_interval_s=30";
        public const string Command1PayloadHex = "0000000a6d326d2f76312f636d640000000b73656e736f722d30303031000000040000000100000008000000006955c7100000000a7365742d636f6e6669670000001774656c656d657472795f696e74657276616c5f733d3330c8a121d810e1fe29776f7f5c2040158a71efd4f455ae1463691cdf922e84012e";

        public const uint Command2Sequence = 2;
        public const long Command2ExpiresAt = 1767229200;
        public const string Command2Name = "ping";
        public const string Command2Arguments = "";
        public const string Command2PayloadHex = "0000000a6d326d2f76312f636d640000000b73656e736f722d30303031000000040000000200000008000000006955c7100000000470696e67000000003224bc145134b63fb5eaf4e8bede626c8815821c7eecf21e75c994f22c570ab1";

        public const uint Result1Sequence = 1;
        public const string Result1Status = "ok";
        public const string Result1Detail = "telemetry_interval_s=30\noutbox_capacity=64";
        public const string Result1PayloadHex = "000000116d326d2f76312f636d642d726573756c740000000b73656e736f722d303030310000000400000001000000026f6b0000002a74656c656d657472795f696e74657276616c5f733d33300a6f7574626f785f63617061636974793d36342870f37fe5818e4d9db165726da6b1ddeb3998acedc93a6b9f1db246e410ea2e";

        // Section 12: the over-the-air rotation (object "rotation" of the JSON block).
        public const uint RotationSequence = 3;
        public const long RotationExpiresAt = 1767229200;
        public const string RotationGatewayPrivateHex = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
        public const string RotationGatewayPublicHex = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
        public const string RotationDevicePrivateHex = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
        public const string RotationDevicePublicHex = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
        public const string RotationSharedHex = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        public const string RotationTranscriptHex = "0000000d6d326d2f76312f726f746174650000000b73656e736f722d303030310000000400000003000000208520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a00000020de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
        public const string RotationNewSecretHex = "7c16d315cb38bdb11c66b28e64ed1672e9847517dae9b24372ef24f88db79449";
        public const string RotationProofKeyHex = "6cc56d3446ad5f89a786428c5f6bca2e6fecac00b42f6f14b9fe6b311165ddc9";
        public const string RotationProof = "IppqBDVC1uUE5zpoe702ymrj2dNnPvoE7uZlqaQ38k4";
        public const string RotationArguments = "gateway_key=hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo";
        public const string RotationCommandPayloadHex = "0000000a6d326d2f76312f636d640000000b73656e736f722d30303031000000040000000300000008000000006955c7100000000d726f746174652d73656372657400000037676174657761795f6b65793d6853447743596b777031523069333363744437335767325f4f67306d4f427230363653706a717162546d6f51e9e00861a8034d05f4e0f8de99bcfdc0409efd372400b56e018fc5df01289e";
        public const string RotationDetail = "device_key=3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08\nproof=IppqBDVC1uUE5zpoe702ymrj2dNnPvoE7uZlqaQ38k4";
        public const string RotationResultPayloadHex = "000000116d326d2f76312f636d642d726573756c740000000b73656e736f722d303030310000000400000003000000026f6b000000686465766963655f6b65793d33703762665874397762545457324843374f51314e7a2d44513868626547644e7266782d46472d494b30380a70726f6f663d497070714244564331755545357a706f65373032796d726a32644e6e50766f4537755a6c71615133386b34968927806187d7a76e78a4a5ae841d724f3fa750febb61b541c39a3522b7b3eb";
        public const string RotationNewAuthKeyHex = "3c7f1d54665826e3bf1ed32f96d234b24f88495c32a2c01e6886397f55903144";
    }
}
