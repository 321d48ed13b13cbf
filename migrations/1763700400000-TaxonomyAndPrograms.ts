import { MigrationInterface, QueryRunner } from 'typeorm';

const INDUSTRY_CHAINS: Array<[code: string, nameZh: string, nameEn: string]> = [
  ['electronic_information', '电子信息', 'Electronic information'],
  ['aviation', '航空', 'Aviation'],
  ['automotive_equipment', '汽车和装备', 'Automotive and equipment'],
  ['nonferrous_metals', '有色金属', 'Nonferrous metals'],
  ['rare_earths', '稀土', 'Rare earths'],
  ['new_energy', '新能源', 'New energy'],
  ['new_materials', '新材料', 'New materials'],
  ['biomedicine', '生物医药', 'Biomedicine'],
  ['traditional_chinese_medicine', '中医药', 'Traditional Chinese medicine'],
  ['virtual_reality', '虚拟现实(VR)', 'Virtual reality (VR)'],
  ['optoelectronics_led', '半导体照明/光电(LED)', 'Semiconductor lighting and optoelectronics (LED)'],
  ['new_energy_vehicles', '新能源汽车', 'New energy vehicles'],
];

const CATEGORIES: Array<[code: string, nameZh: string, nameEn: string]> = [
  ['key_technology', '关键技术类', 'Key technology'],
  ['enterprise_demand', '企业需求类', 'Enterprise demand'],
];

/** Industry chains and list categories with their default seed; programs with settings and rubric. */
export class TaxonomyAndPrograms1763700400000 implements MigrationInterface {
  name = 'TaxonomyAndPrograms1763700400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['industry_chains', 'categories']) {
      await queryRunner.query(`
        CREATE TABLE "${table}" (
          "code" text NOT NULL,
          "name_zh" text NOT NULL,
          "name_en" text NOT NULL,
          "sort_order" integer NOT NULL,
          "active" boolean NOT NULL DEFAULT true,
          "version" integer NOT NULL DEFAULT 1,
          "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
          "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
          CONSTRAINT "pk_${table}" PRIMARY KEY ("code")
        )`);
      await queryRunner.query(`CREATE INDEX "ix_${table}_order" ON "${table}" ("sort_order", "code")`);
    }
    await this.seed(queryRunner, 'industry_chains', INDUSTRY_CHAINS);
    await this.seed(queryRunner, 'categories', CATEGORIES);

    await queryRunner.query(`
      CREATE TABLE "programs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "year" integer NOT NULL,
        "description" text,
        "settings" jsonb NOT NULL,
        "rubric" jsonb NOT NULL,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_programs" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_programs_created" ON "programs" ("created_at", "id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_programs_year_created" ON "programs" ("year", "created_at", "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "programs"`);
    await queryRunner.query(`DROP TABLE "categories"`);
    await queryRunner.query(`DROP TABLE "industry_chains"`);
  }

  /** Sort orders 10, 20, … leave room to insert between the seeded terms. */
  private async seed(
    queryRunner: QueryRunner,
    table: string,
    terms: Array<[code: string, nameZh: string, nameEn: string]>,
  ): Promise<void> {
    const values = terms.map(
      (_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4}, now(), now())`,
    );
    await queryRunner.query(
      `INSERT INTO "${table}" ("code", "name_zh", "name_en", "sort_order", "created_at", "updated_at")
       VALUES ${values.join(', ')}`,
      terms.flatMap(([code, nameZh, nameEn], i) => [code, nameZh, nameEn, (i + 1) * 10]),
    );
  }
}
