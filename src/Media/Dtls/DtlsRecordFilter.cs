using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>Drops datagrams that are not a run of well-formed DTLS records before BouncyCastle parses them.
/// BouncyCastle silently ignores a protected record whose tag fails, but answers a protected record too short to
/// hold the AES-GCM explicit nonce and tag with a fatal decode_error that ends the association; one spoofed
/// datagram must not be able to do that.</summary>
internal static class DtlsRecordFilter
{
    private const int HeaderLength = 13;

    /// <summary>8-byte explicit nonce plus 16-byte tag: the smallest AES-GCM protected record (RFC 5288).</summary>
    private const int MinimumProtectedLength = 8 + 16;

    internal static bool IsPlausible(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return false;
        }

        while (!datagram.IsEmpty)
        {
            if (datagram.Length < HeaderLength)
            {
                return false;
            }

            byte type = datagram[0];
            if (type is < 20 or > 25 || datagram[1] != 0xFE)
            {
                return false;
            }

            ushort epoch = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(3, 2));
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(11, 2));
            if (length > datagram.Length - HeaderLength || (epoch != 0 && length < MinimumProtectedLength))
            {
                return false;
            }

            datagram = datagram.Slice(HeaderLength + length);
        }

        return true;
    }
}
