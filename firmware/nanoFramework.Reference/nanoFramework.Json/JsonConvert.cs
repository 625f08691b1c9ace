// Declarations from github.com/nanoframework/nanoFramework.Json, nanoFramework.Json/JsonConvert.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.IO;

namespace nanoFramework.Json
{
    public static class JsonConvert
    {
        public static string SerializeObject(object oSource) => throw null;
        public static object DeserializeObject(string value, Type type) => throw null;
        public static object DeserializeObject(Stream stream, Type type) => throw null;
    }
}
