import { ArrayBodyPipe } from './array-body.pipe';
import { TeamMemberInputDto } from './dto/team-input.dto';

const ORG = '7b0b6c9e-2f4c-4d59-9a3e-0d6f1c2b3a4d';
const member = { name: '李明', title: '', role: '样机研制', organizationId: ORG };

describe('ArrayBodyPipe (a JSON array body)', () => {
  const pipe = new ArrayBodyPipe(TeamMemberInputDto, 3);
  const fieldsOf = async (value: unknown) => {
    try {
      await pipe.transform(value);
      return [];
    } catch (error) {
      return ((error as { options: { errors: Array<{ field: string }> } }).options.errors ?? []).map(
        (e) => e.field,
      );
    }
  };

  it('turns valid elements into instances, and accepts an empty list', async () => {
    const [item] = await pipe.transform([member]);
    expect(item).toBeInstanceOf(TeamMemberInputDto);
    expect(item).toEqual(member);
    expect(await pipe.transform([])).toEqual([]);
  });

  it('answers field errors by index, refusing unknown fields', async () => {
    expect((await fieldsOf([member, { ...member, organizationId: 'x', extra: 1 }])).sort()).toEqual([
      '[1].extra',
      '[1].organizationId',
    ]);
    expect(await fieldsOf([member, 'text'])).toEqual(['[1]']);
  });

  it('refuses a body that is not an array, or is too long', async () => {
    expect(await fieldsOf({ members: [member] })).toEqual(['body']);
    expect(await fieldsOf([member, member, member, member])).toEqual(['body']);
  });
});
