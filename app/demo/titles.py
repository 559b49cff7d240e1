"""Thai listing titles for demo data and benchmarks, put together from common parts."""
import random

AMULET_TYPES = ["พระสมเด็จ", "พระรอด", "พระนางพญา", "พระผงสุพรรณ", "พระกริ่ง", "เหรียญ",
                "ตะกรุด", "รูปหล่อ", "พระปิดตา", "พระขุนแผน", "พระซุ้มกอ", "ล็อกเก็ต"]
TEMPLES = ["วัดระฆัง", "วัดบางขุนพรหม", "วัดช้างให้", "วัดบ้านไร่", "วัดสุทัศน์", "วัดมหาธาตุ",
           "วัดพระแก้ว", "วัดบวรนิเวศ", "วัดหนองโพ", "วัดเขาอ้อ"]
MASTERS = ["หลวงปู่ทวด", "หลวงพ่อคูณ", "หลวงพ่อเงิน", "สมเด็จโต", "หลวงปู่หมุน",
           "หลวงพ่อทองสุข", "หลวงปู่ศุข", "หลวงพ่อพรหม"]
PRINTS = ["พิมพ์ใหญ่", "พิมพ์เล็ก", "พิมพ์ทรงเจดีย์", "พิมพ์ฐานแซม", "พิมพ์เกศบัวตูม",
          "พิมพ์อกร่อง", "พิมพ์นิยม", "บล็อกแรก"]
EXTRAS = ["สวยเดิม", "ผิวหิ้ง", "มีบัตรรับรอง", "เลี่ยมทอง", "หายาก", "องค์ครู", "แท้ดูง่าย",
          "ผิวไฟ", "เนื้อทองแดง", "เนื้อผง"]
SNEAKERS = ["Nike Air Jordan 1", "Adidas Samba", "New Balance 550", "Nike Dunk Low",
            "Onitsuka Tiger Mexico 66", "Converse Chuck 70", "Asics Gel-Kayano 14"]
BOOKS = ["หนังสือพระเครื่องเมืองสยาม", "ตำนานพระสมเด็จ", "การ์ตูนขายหัวเราะ ฉบับเก่า",
         "นิตยสารพระเครื่อง ฉบับพิเศษ", "ประวัติหลวงปู่ทวด", "คู่มือดูพระแท้"]
COLLECTIBLES = ["ธนบัตร 1 บาท รุ่นแรก", "แสตมป์ชุดพระราชพิธี", "เหรียญกษาปณ์ที่ระลึก",
                "โมเดลรถเหล็กโบราณ", "ตุ๊กตาไม้แกะสลัก", "กล่องไม้สักเก่า"]


def amulet_title(rng):
    """A title such as "พระสมเด็จ วัดระฆัง พิมพ์ใหญ่ สวยเดิม"."""
    place = rng.choice(TEMPLES) if rng.random() < 0.6 else rng.choice(MASTERS)
    year = f" ปี {rng.randint(2460, 2566)}" if rng.random() < 0.4 else ""
    return f"{rng.choice(AMULET_TYPES)} {place} {rng.choice(PRINTS)}{year} {rng.choice(EXTRAS)}"


def title_for(category_slug, rng):
    """A plausible title for a listing in the given top-level category."""
    if category_slug == "sneakers":
        return f"{rng.choice(SNEAKERS)} ไซซ์ {rng.randint(36, 46)} สภาพดี"
    if category_slug == "books":
        return f"{rng.choice(BOOKS)} พิมพ์ครั้งที่ {rng.randint(1, 9)}"
    if category_slug == "collectibles":
        return f"{rng.choice(COLLECTIBLES)} {rng.choice(['สภาพสวย', 'หายาก', 'ของแท้'])}"
    return amulet_title(rng)


def new_rng(seed=2569):
    """A seeded generator, so demo data is the same on every machine."""
    return random.Random(seed)
