using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>Seeded random input: the reader never throws on corrupted messages, and random arrival sets survive a
/// write/read round trip to the 250 µs resolution of the format.</summary>
public sealed class TransportFeedbackFuzzTests
{
    [Fact]
    public void Reader_CorruptedMessages_NeverThrow()
    {
        var random = new Random(12);
        var writer = new TransportFeedbackWriter();
        byte[] buffer = new byte[1500];
        int accepted = 0;
        for (int round = 0; round < 2_000; round++)
        {
            writer.Begin(1, 2, (ushort)random.Next(65536), 0);
            long time = random.Next(1_000_000);
            for (int i = random.Next(1, 60); i > 0; i--)
            {
                time += random.Next(-2_000, 30_000);
                writer.TryAddReceived((ushort)(writer.NextSequence + random.Next(0, 3)), time); // gaps of 0-2 lost
            }

            int length = writer.Write(buffer);
            byte[] message = buffer[..length];
            for (int flips = random.Next(1, 6); flips > 0; flips--)
            {
                message[random.Next(message.Length)] ^= (byte)(1 << random.Next(8));
            }

            ReadOnlySpan<byte> input = message.AsSpan(0, random.Next(message.Length + 1));
            if (TransportFeedbackReader.TryParse(input, out TransportFeedbackReader reader))
            {
                accepted++;
                int statuses = 0;
                foreach (TransportPacketStatus status in reader)
                {
                    statuses++;
                }

                Assert.Equal(reader.StatusCount, statuses);
            }
        }

        Assert.True(accepted > 0);
    }

    [Fact]
    public void WriterThenReader_RandomArrivals_RoundTrip()
    {
        var random = new Random(34);
        var writer = new TransportFeedbackWriter();
        byte[] buffer = new byte[1500];
        for (int round = 0; round < 500; round++)
        {
            ushort baseSequence = (ushort)random.Next(65536);
            writer.Begin(1, 2, baseSequence, (byte)round);
            var expected = new Dictionary<ushort, long>();
            long time = (long)random.Next(-5_000_000, 5_000_000) * 250;
            ushort sequence = baseSequence;
            for (int i = random.Next(1, 200); i > 0; i--)
            {
                sequence = (ushort)(sequence + random.Next(1, 5));
                time += random.Next(-40, 400) * 250L;
                if (!writer.TryAddReceived(sequence, time))
                {
                    break;
                }

                expected[sequence] = time;
            }

            int length = writer.Write(buffer);
            Assert.True(TransportFeedbackReader.TryParse(buffer.AsSpan(0, length), out TransportFeedbackReader reader));
            long? offset = null;
            int received = 0;
            foreach (TransportPacketStatus status in reader)
            {
                Assert.Equal(expected.ContainsKey(status.Sequence), status.Received);
                if (status.Received)
                {
                    received++;
                    offset ??= expected[status.Sequence] - status.ArrivalMicros;
                    Assert.Equal(expected[status.Sequence], status.ArrivalMicros + offset.Value);
                }
            }

            Assert.Equal(expected.Count, received);
            Assert.Equal((byte)round, reader.FeedbackPacketCount);
        }
    }
}
