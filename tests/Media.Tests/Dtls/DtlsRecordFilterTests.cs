using Doctolib.Telehealth.Media.Dtls;

namespace Doctolib.Telehealth.Media.Tests.Dtls;

public sealed class DtlsRecordFilterTests
{
    [Fact]
    public void IsPlausible_TwoWellFormedRecords_IsTrue()
    {
        byte[] datagram = [.. Record(22, epoch: 0, bodyLength: 40), .. Record(23, epoch: 1, bodyLength: 24)];
        Assert.True(DtlsRecordFilter.IsPlausible(datagram));
    }

    [Theory]
    [InlineData(1, 23)]
    [InlineData(1, 0)]
    [InlineData(2, 10)]
    public void IsPlausible_ProtectedRecordTooShortForGcm_IsFalse(int epoch, int bodyLength)
    {
        Assert.False(DtlsRecordFilter.IsPlausible(Record(23, (ushort)epoch, bodyLength)));
    }

    [Fact]
    public void IsPlausible_LengthPastTheEnd_IsFalse()
    {
        byte[] record = Record(22, 0, 40);
        Assert.False(DtlsRecordFilter.IsPlausible(record.AsSpan(0, record.Length - 1)));
    }

    [Theory]
    [InlineData(19)]
    [InlineData(26)]
    public void IsPlausible_UnknownContentType_IsFalse(byte type)
    {
        Assert.False(DtlsRecordFilter.IsPlausible(Record(type, 0, 30)));
    }

    [Fact]
    public void IsPlausible_EmptyOrHeaderOnlyFragment_IsFalse()
    {
        Assert.False(DtlsRecordFilter.IsPlausible([]));
        Assert.False(DtlsRecordFilter.IsPlausible(Record(22, 0, 0).AsSpan(0, 12)));
    }

    private static byte[] Record(byte type, ushort epoch, int bodyLength)
    {
        byte[] record = new byte[13 + bodyLength];
        record[0] = type;
        record[1] = 0xFE;
        record[2] = 0xFD;
        record[3] = (byte)(epoch >> 8);
        record[4] = (byte)epoch;
        record[11] = (byte)(bodyLength >> 8);
        record[12] = (byte)bodyLength;
        return record;
    }
}
