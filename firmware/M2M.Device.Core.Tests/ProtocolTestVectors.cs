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
    }
}
