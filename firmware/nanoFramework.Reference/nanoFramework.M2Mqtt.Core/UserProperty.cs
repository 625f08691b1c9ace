// Declarations from github.com/nanoframework/nanoFramework.m2mqtt, nanoFramework.M2Mqtt.Core/UserProperty.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.M2Mqtt.Messages
{
    public class UserProperty
    {
        public UserProperty(string name, string value) { }
        public string Name { get => throw null; set => throw null; }
        public string Value { get => throw null; set => throw null; }
    }
}
