// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Object.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public class Object
    {
        public Object() { }
        public virtual String ToString() => throw null;
        public virtual extern bool Equals(Object obj);
        public static bool Equals(Object objA, Object objB) => throw null;
        public static extern bool ReferenceEquals(Object objA, Object objB);
        public virtual extern int GetHashCode();
        public extern Type GetType();
        protected extern Object MemberwiseClone();
    }
}
