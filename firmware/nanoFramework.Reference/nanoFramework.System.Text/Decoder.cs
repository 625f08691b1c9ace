// Declarations from github.com/nanoframework/System.Text, nanoFramework.System.Text/Text/Decoder.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Text
{
    [Serializable]
    public abstract class Decoder
    {
    }
}
