"""seed categories and prohibited list

Revision ID: 3e0ccca2f6ea
Revises: 74b39cfa6042
Create Date: 2026-11-22 04:59:46.489892+00:00

"""
from alembic import op
from datetime import datetime, timezone

import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e0ccca2f6ea'
down_revision = '74b39cfa6042'
branch_labels = None
depends_on = None

# Reference data every site needs: the category tree and the prohibited-goods list (SHOP-4).
# Admins edit the prohibited list afterwards; this only seeds it.

# (slug, parent slug, Thai name, English name)
CATEGORIES = [
    ("amulets", None, "พระเครื่อง", "Amulets"),
    ("amulets-by-temple", "amulets", "พระเครื่องตามวัด", "By temple"),
    ("wat-rakhang", "amulets-by-temple", "วัดระฆังโฆสิตาราม", "Wat Rakhang"),
    ("wat-bang-khun-phrom", "amulets-by-temple", "วัดบางขุนพรหม", "Wat Bang Khun Phrom"),
    ("wat-chang-hai", "amulets-by-temple", "วัดช้างให้", "Wat Chang Hai"),
    ("wat-ban-rai", "amulets-by-temple", "วัดบ้านไร่", "Wat Ban Rai"),
    ("wat-suthat", "amulets-by-temple", "วัดสุทัศนเทพวราราม", "Wat Suthat"),
    ("amulets-by-master", "amulets", "พระเครื่องตามพระเกจิ", "By master"),
    ("somdet-to", "amulets-by-master", "สมเด็จพระพุฒาจารย์ (โต)", "Somdet To"),
    ("luang-pu-thuat", "amulets-by-master", "หลวงปู่ทวด", "Luang Pu Thuat"),
    ("luang-pho-khoon", "amulets-by-master", "หลวงพ่อคูณ", "Luang Pho Khoon"),
    ("luang-pho-ngern", "amulets-by-master", "หลวงพ่อเงิน", "Luang Pho Ngern"),
    ("amulets-by-type", "amulets", "พระเครื่องตามประเภท", "By type"),
    ("phra-somdet", "amulets-by-type", "พระสมเด็จ", "Phra Somdet"),
    ("phra-rod", "amulets-by-type", "พระรอด", "Phra Rod"),
    ("phra-nang-phaya", "amulets-by-type", "พระนางพญา", "Phra Nang Phaya"),
    ("rian", "amulets-by-type", "เหรียญ", "Coins (rian)"),
    ("takrut", "amulets-by-type", "ตะกรุด", "Takrut"),
    ("rup-lor", "amulets-by-type", "รูปหล่อ", "Cast statuettes"),
    ("sneakers", None, "รองเท้าผ้าใบ", "Sneakers"),
    ("sneakers-running", "sneakers", "รองเท้าวิ่ง", "Running"),
    ("sneakers-basketball", "sneakers", "รองเท้าบาสเกตบอล", "Basketball"),
    ("sneakers-lifestyle", "sneakers", "รองเท้าลำลอง", "Lifestyle"),
    ("books", None, "หนังสือ", "Books"),
    ("books-amulet-guides", "books", "หนังสือพระเครื่อง", "Amulet guides"),
    ("books-comics", "books", "การ์ตูน", "Comics"),
    ("books-rare", "books", "หนังสือหายาก", "Rare books"),
    ("collectibles", None, "ของสะสม", "Collectibles"),
    ("coins-banknotes", "collectibles", "เหรียญและธนบัตร", "Coins and banknotes"),
    ("stamps", "collectibles", "แสตมป์", "Stamps"),
    ("toys-figures", "collectibles", "ของเล่นและฟิกเกอร์", "Toys and figures"),
    ("antiques", "collectibles", "ของเก่า", "Antiques"),
]

# (term, action, Thai group, English group). Thai terms match anywhere in the text (Thai has
# no spaces); Latin terms match whole words. "hold" sends the listing to a moderator.
PROHIBITED = [
    ("การพนัน", "refuse", "การพนัน", "Gambling"), ("บาคาร่า", "refuse", "การพนัน", "Gambling"),
    ("casino", "refuse", "การพนัน", "Gambling"), ("gambling", "refuse", "การพนัน", "Gambling"),
    ("ยาบ้า", "refuse", "ยาเสพติด", "Illegal drugs"), ("ยาไอซ์", "refuse", "ยาเสพติด", "Illegal drugs"),
    ("เฮโรอีน", "refuse", "ยาเสพติด", "Illegal drugs"), ("โคเคน", "refuse", "ยาเสพติด", "Illegal drugs"),
    ("methamphetamine", "refuse", "ยาเสพติด", "Illegal drugs"),
    ("cocaine", "refuse", "ยาเสพติด", "Illegal drugs"), ("heroin", "refuse", "ยาเสพติด", "Illegal drugs"),
    ("บุหรี่", "hold", "ยาสูบและสุรา", "Tobacco and alcohol"),
    ("สุรา", "hold", "ยาสูบและสุรา", "Tobacco and alcohol"),
    ("บุหรี่ไฟฟ้า", "refuse", "บุหรี่ไฟฟ้าและชีชา", "E-cigarettes and shisha"),
    ("พอต", "hold", "บุหรี่ไฟฟ้าและชีชา", "E-cigarettes and shisha"),
    ("ชีชา", "refuse", "บุหรี่ไฟฟ้าและชีชา", "E-cigarettes and shisha"),
    ("vape", "refuse", "บุหรี่ไฟฟ้าและชีชา", "E-cigarettes and shisha"),
    ("e-cigarette", "refuse", "บุหรี่ไฟฟ้าและชีชา", "E-cigarettes and shisha"),
    ("shisha", "refuse", "บุหรี่ไฟฟ้าและชีชา", "E-cigarettes and shisha"),
    ("แผ่นผี", "refuse", "สื่อและซอฟต์แวร์ละเมิดลิขสิทธิ์", "Pirated media and software"),
    ("ละเมิดลิขสิทธิ์", "refuse", "สื่อและซอฟต์แวร์ละเมิดลิขสิทธิ์", "Pirated media and software"),
    ("keygen", "refuse", "สื่อและซอฟต์แวร์ละเมิดลิขสิทธิ์", "Pirated media and software"),
    ("pirated", "refuse", "สื่อและซอฟต์แวร์ละเมิดลิขสิทธิ์", "Pirated media and software"),
    ("เกรดมิเรอร์", "refuse", "สินค้าปลอมแปลง", "Counterfeits"),
    ("งานก๊อป", "refuse", "สินค้าปลอมแปลง", "Counterfeits"),
    ("replica", "hold", "สินค้าปลอมแปลง", "Counterfeits"),
    ("งาช้าง", "hold", "สัตว์ป่าคุ้มครอง", "Protected wildlife"),
    ("นอแรด", "refuse", "สัตว์ป่าคุ้มครอง", "Protected wildlife"),
    ("ลิ่น", "hold", "สัตว์ป่าคุ้มครอง", "Protected wildlife"),
    ("ivory", "hold", "สัตว์ป่าคุ้มครอง", "Protected wildlife"),
    ("กล่องถอดรหัส", "refuse", "อุปกรณ์ถอดรหัสเคเบิลและดาวเทียม", "Cable and satellite decoders"),
    ("decoder", "hold", "อุปกรณ์ถอดรหัสเคเบิลและดาวเทียม", "Cable and satellite decoders"),
    ("ครีมเถื่อน", "refuse", "เครื่องสำอาง ยา และอาหารเสริมที่ไม่ได้รับอนุญาต",
     "Unapproved cosmetics, drugs and supplements"),
    ("ยาลดความอ้วน", "hold", "เครื่องสำอาง ยา และอาหารเสริมที่ไม่ได้รับอนุญาต",
     "Unapproved cosmetics, drugs and supplements"),
    ("รักษาหายขาด", "hold", "สรรพคุณเกินจริง", "Miracle cures"),
    ("miracle cure", "refuse", "สรรพคุณเกินจริง", "Miracle cures"),
    ("ประทัด", "refuse", "วัตถุระเบิดและดอกไม้ไฟ", "Explosives and fireworks"),
    ("พลุ", "hold", "วัตถุระเบิดและดอกไม้ไฟ", "Explosives and fireworks"),
    ("fireworks", "refuse", "วัตถุระเบิดและดอกไม้ไฟ", "Explosives and fireworks"),
    ("explosive", "refuse", "วัตถุระเบิดและดอกไม้ไฟ", "Explosives and fireworks"),
    ("ปืน", "hold", "อาวุธผิดกฎหมาย", "Illegal weapons"),
    ("กระสุน", "refuse", "อาวุธผิดกฎหมาย", "Illegal weapons"),
    ("ammunition", "refuse", "อาวุธผิดกฎหมาย", "Illegal weapons"),
    ("firearm", "refuse", "อาวุธผิดกฎหมาย", "Illegal weapons"),
    ("สื่อลามก", "refuse", "สื่อลามก", "Adult material"),
    ("porn", "refuse", "สื่อลามก", "Adult material"),
    ("affiliate", "hold", "การขายต่อผ่านลิงก์แอฟฟิลิเอต", "Affiliate resale"),
]


def upgrade():
    categories = sa.table("categories", sa.column("id", sa.Integer), sa.column("parent_id", sa.Integer),
                          sa.column("slug", sa.String), sa.column("name_th", sa.String),
                          sa.column("name_en", sa.String), sa.column("position", sa.Integer))
    bind = op.get_bind()
    ids = {}
    for position, (slug, parent, name_th, name_en) in enumerate(CATEGORIES):
        bind.execute(categories.insert().values(parent_id=ids.get(parent), slug=slug,
                                                name_th=name_th, name_en=name_en,
                                                position=position))
        ids[slug] = bind.execute(sa.select(categories.c.id).where(categories.c.slug == slug)).scalar()
    terms = sa.table("prohibited_terms", sa.column("term", sa.String), sa.column("action", sa.String),
                     sa.column("group_th", sa.String), sa.column("group_en", sa.String),
                     sa.column("created_at", sa.DateTime(timezone=True)))
    now = datetime.now(timezone.utc)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    op.bulk_insert(terms, [dict(term=t, action=a, group_th=gt, group_en=ge, created_at=now)
                           for t, a, gt, ge in PROHIBITED])


def downgrade():
    op.execute("DELETE FROM prohibited_terms")
    op.execute("UPDATE categories SET parent_id = NULL")
    op.execute("DELETE FROM categories")
